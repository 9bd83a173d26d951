# Generates a C++ source holding docs/openapi.json as a byte array, so credenced serves GET /v1/openapi.json without
# reading a file at run time. Run by src/node/CMakeLists.txt: cmake -DINPUT=<json> -DOUTPUT=<cc> -P embed_openapi.cmake
file(READ "${INPUT}" hex HEX)
string(LENGTH "${hex}" hex_length)
if(hex_length EQUAL 0)
  message(FATAL_ERROR "${INPUT} is empty")
endif()
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
string(REGEX REPLACE "((0x[0-9a-f][0-9a-f],){24})" "\\1\n  " bytes "${bytes}")
file(WRITE "${OUTPUT}.tmp" "// Generated from docs/openapi.json by src/node/embed_openapi.cmake. Do not edit.
#include <cstddef>

namespace credence::node::detail {
extern const unsigned char kOpenApiJson[];
extern const std::size_t kOpenApiJsonSize;
const unsigned char kOpenApiJson[] = {
  ${bytes}
};
const std::size_t kOpenApiJsonSize = sizeof(kOpenApiJson);
}  // namespace credence::node::detail
")
# Only touch the output when its content changes, so an unchanged document does not recompile.
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
