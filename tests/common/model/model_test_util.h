#pragma once

#include <string>

#include "common/json/json.h"
#include "common/model/validate.h"

namespace ferry::model::testutil {

// DESIGN.md's full example (tests/common/model/data/design-example.json).
ferry::Json designExample();

// A small valid document: connections `db` (sqlite) and `files` (file), export `rows`,
// import `out`, lookup `names`, integration `app`, flow `copy`.
ferry::Json smallDocument();

// Every problem, one per line ("<pointer>: [warning: ]<message>").
std::string problemsText(const ferry::Json& doc, const ValidationOptions& options = {});

}  // namespace ferry::model::testutil
