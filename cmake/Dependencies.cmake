# Third-party libraries, all from Debian packages (tools/setup-deps installs them).

find_package(ZLIB REQUIRED)
find_package(yaml-cpp REQUIRED)
find_package(RapidJSON REQUIRED)

# Normalise to target names of our own so the rest of the build does not care which
# spelling a distribution's CMake package config uses.
add_library(shadowdiff::yaml_cpp INTERFACE IMPORTED)
if(TARGET yaml-cpp::yaml-cpp)
  target_link_libraries(shadowdiff::yaml_cpp INTERFACE yaml-cpp::yaml-cpp)
else()
  target_link_libraries(shadowdiff::yaml_cpp INTERFACE yaml-cpp)
endif()

add_library(shadowdiff::rapidjson INTERFACE IMPORTED)
if(RapidJSON_INCLUDE_DIRS)
  target_include_directories(shadowdiff::rapidjson SYSTEM INTERFACE ${RapidJSON_INCLUDE_DIRS})
elseif(RAPIDJSON_INCLUDE_DIRS)
  target_include_directories(shadowdiff::rapidjson SYSTEM INTERFACE ${RAPIDJSON_INCLUDE_DIRS})
endif()
# std::string overloads for RapidJSON values.
target_compile_definitions(shadowdiff::rapidjson INTERFACE RAPIDJSON_HAS_STDSTRING=1)

# The I/O shell: Beast/Asio (header-only), prometheus-cpp (core only: the admin server
# serves /metrics itself), libpq and OpenSSL (HMAC).
find_package(Boost 1.81 REQUIRED)
find_package(Threads REQUIRED)
find_package(prometheus-cpp REQUIRED)
find_package(OpenSSL REQUIRED)
find_package(PostgreSQL REQUIRED)

if(SHADOWDIFF_TESTS)
  find_package(GTest REQUIRED)
endif()
if(SHADOWDIFF_BENCH)
  find_package(benchmark REQUIRED)
endif()
