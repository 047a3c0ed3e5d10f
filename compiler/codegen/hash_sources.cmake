# Writes OUTPUT, a header defining TALLY_CODEGEN_SOURCE_HASH: the sha256 of the code
# generator's sources. It is part of every kernel cache key, so changing how code is
# generated can never reuse objects built by the old code. Usage:
#   cmake -DOUTPUT=file.h -DSOURCES="a;b;c" -P hash_sources.cmake
set(all "")
foreach(source ${SOURCES})
  file(READ ${source} content)
  string(APPEND all "${source}\n${content}\n")
endforeach()
string(SHA256 hash "${all}")
set(text "#pragma once\n#define TALLY_CODEGEN_SOURCE_HASH \"${hash}\"\n")
if(EXISTS ${OUTPUT})
  file(READ ${OUTPUT} old)
endif()
if(NOT "${old}" STREQUAL "${text}")
  file(WRITE ${OUTPUT} "${text}")
endif()
