# Writes OUTPUT, a C++ file defining ferry::controller::api::openApiDocument() that returns
# the text of INPUT (controller/api/openapi.json), so the binary serves the document as it
# is kept in the source tree. Run by add_custom_command whenever INPUT changes.
file(READ "${INPUT}" text)
string(FIND "${text}" ")ferry_openapi\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${INPUT} contains the raw-string delimiter )ferry_openapi\"")
endif()
file(WRITE "${OUTPUT}.tmp"
  "// Generated from controller/api/openapi.json by embed_openapi.cmake; do not edit.\n"
  "#include <string>\n\n"
  "namespace ferry::controller::api {\n\n"
  "const std::string& openApiDocument() {\n"
  "  static const std::string kDocument = R\"ferry_openapi(${text})ferry_openapi\";\n"
  "  return kDocument;\n"
  "}\n\n"
  "}  // namespace ferry::controller::api\n")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
