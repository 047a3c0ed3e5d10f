# Every dependency comes from a Debian package installed by scripts/install-deps.sh.

find_package(LLVM REQUIRED CONFIG PATHS /usr/lib/llvm-19/lib/cmake/llvm NO_DEFAULT_PATH)
if(NOT LLVM_VERSION_MAJOR EQUAL 19)
  message(FATAL_ERROR "Tally needs LLVM 19 (llvm-19-dev); found ${LLVM_PACKAGE_VERSION}")
endif()
message(STATUS "LLVM ${LLVM_PACKAGE_VERSION} from ${LLVM_DIR}")

find_package(antlr4-runtime REQUIRED CONFIG)
find_program(ANTLR4_TOOL NAMES antlr4 REQUIRED)

find_package(yaml-cpp REQUIRED CONFIG)
find_package(spdlog REQUIRED CONFIG)
find_package(CLI11 REQUIRED CONFIG)
find_package(nlohmann_json 3.10 REQUIRED CONFIG)
find_package(OpenSSL REQUIRED)
find_package(GTest REQUIRED CONFIG)
find_package(Threads REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(LIBGIT2 REQUIRED IMPORTED_TARGET libgit2)

find_path(FAST_FLOAT_INCLUDE_DIR fast_float/fast_float.h REQUIRED)
add_library(tally_fast_float INTERFACE)
target_include_directories(tally_fast_float SYSTEM INTERFACE ${FAST_FLOAT_INCLUDE_DIR})

# The ANTLR runtime as an imported target whose headers are system headers (no warnings).
add_library(tally_antlr4_runtime INTERFACE)
target_include_directories(tally_antlr4_runtime SYSTEM INTERFACE ${ANTLR4_INCLUDE_DIR})
target_link_libraries(tally_antlr4_runtime INTERFACE antlr4_shared)

# LLVM as one interface target: only compiler/ (codegen, JIT) links it.
add_library(tally_llvm INTERFACE)
target_include_directories(tally_llvm SYSTEM INTERFACE ${LLVM_INCLUDE_DIRS})
target_compile_definitions(tally_llvm INTERFACE ${LLVM_DEFINITIONS})
target_link_libraries(tally_llvm INTERFACE LLVM)
