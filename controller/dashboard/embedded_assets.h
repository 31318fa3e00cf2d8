#pragma once

#include <cstddef>
#include <span>
#include <string_view>

namespace ferry::controller::dashboard {

// One file of controller/dashboard/web/, compiled into the binary (embed_assets.cmake).
struct EmbeddedAsset {
  std::string_view name;         // "app.js"
  std::string_view contentType;  // "text/javascript; charset=utf-8"
  std::string_view etag;         // quoted, from the file's SHA-256: "\"3f2a…\""
  const unsigned char* data;
  std::size_t size;
};

// Every embedded file, in the order CMakeLists.txt lists them.
std::span<const EmbeddedAsset> embeddedAssets();

}  // namespace ferry::controller::dashboard
