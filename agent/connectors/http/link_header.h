#pragma once

#include <string>
#include <string_view>

namespace ferry::agent::connectors::http {

// The URI reference of the first link whose `rel` contains "next" in a Link header value
// (RFC 8288: `<https://api/x?page=2>; rel="next", <…>; rel="last"`), or "" when none.
// Several Link headers joined with ", " read the same as one.
std::string nextLink(std::string_view header);

}  // namespace ferry::agent::connectors::http
