include(GoogleTest)

# Vector harness shared by every test binary (tests/support).
add_library(credence_test_support STATIC)
target_include_directories(credence_test_support PUBLIC ${PROJECT_SOURCE_DIR}/tests/support)
target_link_libraries(credence_test_support PUBLIC credence_codec GTest::gtest nlohmann_json::nlohmann_json PRIVATE credence_warnings)
target_compile_definitions(credence_test_support PUBLIC CREDENCE_VECTORS_DIR="${PROJECT_SOURCE_DIR}/tests/vectors")

# credence_test(NAME SOURCES files... LIBS targets...): one GoogleTest binary, registered in CTest under NAME.
# Vector files are found through CREDENCE_VECTORS_DIR; the binary runs from the build tree.
function(credence_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE ${ARG_LIBS} credence_test_support GTest::gtest GTest::gmock GTest::gtest_main
                                        rapidcheck rapidcheck_gtest credence_warnings)
  # Debian's librapidcheck.a is not built position-independent, so test binaries link as non-PIE.
  target_link_options(${name} PRIVATE -no-pie)
  set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
  add_test(NAME ${name} COMMAND ${name})
  set_tests_properties(${name} PROPERTIES LABELS unit TIMEOUT 600)
endfunction()
