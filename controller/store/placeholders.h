#pragma once

#include <string>
#include <string_view>

#include "controller/store/store_url.h"

namespace ferry::controller::store {

// Store SQL is written with `?` placeholders. SQLite takes them as they are; PostgreSQL
// wants `$1, $2, …` (a `?` is a syntax error there). A `?` inside a string literal, a
// quoted identifier or a comment is left alone.
std::string renderPlaceholders(std::string_view sql, Backend backend);

}  // namespace ferry::controller::store
