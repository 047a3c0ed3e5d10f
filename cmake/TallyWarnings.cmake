# Warnings for Tally's own targets only (generated ANTLR code gets none): call
# tally_warnings(target) on every target built from our sources.
function(tally_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
                                           -Wimplicit-fallthrough -Wno-unused-parameter)
  if(TALLY_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
