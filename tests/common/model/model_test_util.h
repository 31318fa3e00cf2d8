#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "common/model/validate.h"

namespace ferry::model::testutil {

// DESIGN.md's full example (tests/common/model/data/design-example.json).
nlohmann::json designExample();

// A small valid document: connections `db` (sqlite) and `files` (file), export `rows`,
// import `out`, lookup `names`, integration `app`, flow `copy`.
nlohmann::json smallDocument();

// Every problem, one per line ("<pointer>: [warning: ]<message>").
std::string problemsText(const nlohmann::json& doc, const ValidationOptions& options = {});

}  // namespace ferry::model::testutil
