# libFuzzer targets (issue 9), built with -DKAGENT_FUZZ=ON and clang. Each
# compiles the sources it exercises itself, instrumented (fuzzer, address,
# undefined), and links only the libraries those need. tests/fuzz/run.sh
# builds them in build-fuzz/ and runs each on its corpus for a short while.
if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  message(FATAL_ERROR "KAGENT_FUZZ needs clang: -DCMAKE_CXX_COMPILER=clang++")
endif()
# pointer-overflow is left out: Debian's RapidJSON 1.1 adds to a null stack
# pointer in internal::Stack::Reserve before its first allocation (benign,
# and not ours); every other UBSan check aborts the run.
set(fuzz_flags -fsanitize=fuzzer,address,undefined -fno-sanitize=pointer-overflow
    -fno-sanitize-recover=undefined)
function(kagent_fuzz name)
  add_executable(${name} ${CMAKE_SOURCE_DIR}/tests/fuzz/${name}.cpp ${ARGN})
  target_compile_options(${name} PRIVATE ${fuzz_flags})
  target_link_options(${name} PRIVATE ${fuzz_flags})
  target_include_directories(${name} PRIVATE ${CMAKE_SOURCE_DIR} ${RAPIDJSON_INCLUDE_DIRS})
  target_link_libraries(${name} PRIVATE CAF::core OpenSSL::Crypto Boost::system)
endfunction()
set(src ${CMAKE_SOURCE_DIR})
set(fuzz_http_sources ${src}/http/router.cpp ${src}/http/routes.cpp ${src}/http/url.cpp
    ${src}/http/response.cpp ${src}/http/error_map.cpp ${dashboard_cpp} ${openapi_cpp}
    ${src}/core/error.cpp ${src}/core/job.cpp
    ${src}/core/uuid.cpp ${src}/core/random.cpp ${src}/core/sha256.cpp)
kagent_fuzz(fuzz_router ${fuzz_http_sources})
kagent_fuzz(fuzz_run_body ${fuzz_http_sources})
kagent_fuzz(fuzz_url ${src}/core/competition_url.cpp ${src}/core/error.cpp ${src}/http/url.cpp)
kagent_fuzz(fuzz_csv ${src}/agent/csv_reader.cpp ${src}/agent/byte_source.cpp)
kagent_fuzz(fuzz_stage_line ${src}/actors/stage_line.cpp)
