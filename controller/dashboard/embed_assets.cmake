# Writes OUTPUT, a C++ file defining ferry::controller::dashboard::embeddedAssets(): every
# file of FILES (comma-separated names in WEB_DIR) as bytes with its content type and an
# ETag made from its SHA-256, so the binary serves the dashboard exactly as it is kept in
# the source tree. Run by add_custom_command whenever one of the files changes.
if(NOT WEB_DIR OR NOT FILES OR NOT OUTPUT)
  message(FATAL_ERROR "usage: cmake -DWEB_DIR=dir -DFILES=a,b -DOUTPUT=file.cpp -P embed_assets.cmake")
endif()
string(REPLACE "," ";" files "${FILES}")

set(arrays "")
set(entries "")
set(index 0)
foreach(name ${files})
  set(path "${WEB_DIR}/${name}")
  if(NOT EXISTS "${path}")
    message(FATAL_ERROR "dashboard asset ${path} does not exist")
  endif()
  if(name MATCHES "\\.html$")
    set(type "text/html; charset=utf-8")
  elseif(name MATCHES "\\.js$")
    set(type "text/javascript; charset=utf-8")
  elseif(name MATCHES "\\.css$")
    set(type "text/css; charset=utf-8")
  elseif(name MATCHES "\\.svg$")
    set(type "image/svg+xml")
  elseif(name MATCHES "\\.png$")
    set(type "image/png")
  else()
    message(FATAL_ERROR "dashboard asset ${name}: no content type known for its extension")
  endif()
  file(READ "${path}" hex HEX)
  if(hex STREQUAL "")
    message(FATAL_ERROR "dashboard asset ${path} is empty")
  endif()
  # 32 bytes per line keeps the generated file readable in a diff or a debugger.
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
  string(REGEX REPLACE "((0x..,){32})" "\\1\n    " bytes "${bytes}")
  file(SHA256 "${path}" sha)
  string(SUBSTRING "${sha}" 0 20 tag)
  string(APPEND arrays "const unsigned char kAsset${index}[] = {\n    ${bytes}};\n")
  string(APPEND entries
         "    {\"${name}\", \"${type}\", \"\\\"${tag}\\\"\", kAsset${index}, sizeof kAsset${index}},\n")
  math(EXPR index "${index} + 1")
endforeach()

file(WRITE "${OUTPUT}.tmp"
  "// Generated from controller/dashboard/web/ by embed_assets.cmake; do not edit.\n"
  "#include \"controller/dashboard/embedded_assets.h\"\n\n"
  "namespace ferry::controller::dashboard {\n\n"
  "namespace {\n\n"
  "${arrays}\n"
  "const EmbeddedAsset kAssets[] = {\n"
  "${entries}"
  "};\n\n"
  "}  // namespace\n\n"
  "std::span<const EmbeddedAsset> embeddedAssets() {\n"
  "  return kAssets;\n"
  "}\n\n"
  "}  // namespace ferry::controller::dashboard\n")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
