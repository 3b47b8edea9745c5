# Compiler settings shared by every target: ccache, warnings, sanitizers, fuzzing.

find_program(SHADOWDIFF_CCACHE ccache)
if(SHADOWDIFF_CCACHE)
  # The sloppiness lets ccache cache translation units built with the precompiled header; it
  # must be in the compile command's environment, hence `cmake -E env`.
  set(CMAKE_CXX_COMPILER_LAUNCHER ${CMAKE_COMMAND} -E env
      CCACHE_SLOPPINESS=pch_defines,time_macros,include_file_mtime,include_file_ctime
      ${SHADOWDIFF_CCACHE})
endif()

# lld links a test binary in about a third of GNU ld's CPU time (1.1 s vs 3.1 s measured for
# one integration test); there are ~90 test binaries per build. tools/setup-deps installs it.
find_program(SHADOWDIFF_LLD ld.lld)
if(SHADOWDIFF_LLD)
  include(CheckLinkerFlag)
  check_linker_flag(CXX -fuse-ld=lld SHADOWDIFF_LINKER_LLD)
  if(SHADOWDIFF_LINKER_LLD)
    add_link_options(-fuse-ld=lld)
  endif()
endif()

add_compile_options(-Wall -Wextra)
if(SHADOWDIFF_WERROR)
  add_compile_options(-Werror)
endif()
# GCC 12 at -O3 reports false -Wrestrict errors inside libstdc++'s std::string
# (GCC bug 105329, fixed in 13).
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  add_compile_options(-Wno-restrict)
endif()
# RapidJSON 1.1's member iterators declare operator== for the const iterator only, which
# C++20's reversed candidates make "ambiguous" for clang (fixed upstream after 1.1.0).
if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  add_compile_options(-Wno-ambiguous-reversed-operator)
endif()

if(SHADOWDIFF_SANITIZE STREQUAL "address")
  # UBSan stays recoverable so that tests/ubsan.supp can silence exactly one known
  # RapidJSON 1.1.0 report; UBSAN_OPTIONS=halt_on_error=1 makes every other report fatal.
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    # clang 14 cannot emit UBSan's `function` check into C++20 coroutines (as for fuzzing).
    add_compile_options(-fno-sanitize=function)
    add_link_options(-fno-sanitize=function)
  endif()
elseif(SHADOWDIFF_SANITIZE STREQUAL "thread")
  # GCC 12 warns (-Wtsan) that TSan does not model Asio's atomic_thread_fence.
  add_compile_options(-fsanitize=thread -fno-omit-frame-pointer
                      $<$<CXX_COMPILER_ID:GNU>:-Wno-tsan>)
  add_link_options(-fsanitize=thread)
elseif(NOT SHADOWDIFF_SANITIZE STREQUAL "")
  message(FATAL_ERROR "SHADOWDIFF_SANITIZE must be '', 'address' or 'thread', not '${SHADOWDIFF_SANITIZE}'")
endif()

if(SHADOWDIFF_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "SHADOWDIFF_FUZZ needs clang: configure with -DCMAKE_CXX_COMPILER=clang++")
  endif()
  # Instrument everything for coverage; only the fuzz executables get the libFuzzer main.
  # -fno-sanitize=function: clang 14 cannot emit that UBSan check into C++20 coroutines
  # ("Cannot represent a difference across sections").
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize=function
                      -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined -fno-sanitize=function)
endif()
