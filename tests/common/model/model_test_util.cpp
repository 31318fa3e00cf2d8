#include "tests/common/model/model_test_util.h"

#include <fstream>

namespace ferry::model::testutil {

ferry::Json designExample() {
  std::ifstream in(std::string(FERRY_SOURCE_DIR) + "/tests/common/model/data/design-example.json");
  return ferry::Json::parse(in);
}

ferry::Json smallDocument() {
  return ferry::Json::parse(R"({"resources": [
    {"kind": "connection", "id": "db", "type": "sqlite", "settings": {"path": "/tmp/x.db"}},
    {"kind": "connection", "id": "files", "type": "file", "settings": {"root": "/data"}},
    {"kind": "export", "id": "rows", "connection": "db", "type": "query",
     "query": "SELECT * FROM t WHERE at >= :since ORDER BY at, id",
     "delta": {"field": "at", "key": "id", "initial": 0}},
    {"kind": "import", "id": "out", "connection": "files", "type": "file", "path": "o.jsonl",
     "format": "jsonl"},
    {"kind": "lookup", "id": "names", "connection": "db", "table": "names",
     "match": {"id": "name_id"}, "into": "name"},
    {"kind": "integration", "id": "app", "name": "App"},
    {"kind": "flow", "id": "copy", "integration": "app", "sources": ["rows"],
     "schedule": {"every": "5m"},
     "steps": [{"lookup": "names"}, {"import": "out"}]}
  ]})");
}

std::string problemsText(const ferry::Json& doc, const ValidationOptions& options) {
  return formatProblems(validateDefinitions(doc, options));
}

}  // namespace ferry::model::testutil
