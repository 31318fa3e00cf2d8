#pragma once

// Internal to common/model: the state shared by the validation passes.
#include <array>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/json/json.h"
#include "common/model/connector_descriptor.h"
#include "common/model/resources.h"
#include "common/model/validate.h"

namespace ferry::model::detail {

class ValidationContext {
 public:
  ValidationContext(const ValidationOptions& options, Problems& problems)
      : options_(options), problems_(problems) {}

  const ValidationOptions& options() const { return options_; }
  Problems& problems() { return problems_; }
  void error(const std::string& pointer, std::string message);
  void warning(const std::string& pointer, std::string message);
  std::size_t errorCount() const;

  // Remembers that resource `value` (at `pointer`) has `kind` and `id`; reports duplicates.
  void declare(Kind kind, const std::string& id, const std::string& pointer,
               const ferry::Json* value);
  // The resource that `ref` (at `pointer`) names, or nullptr after reporting why not:
  // not a string, no such id (with "did you mean"), or an id of another kind.
  const ferry::Json* resolve(const ferry::Json& ref, Kind kind, const std::string& pointer);

  // schema::validate when `complete` (unknown keys rejected); otherwise checks only the
  // keys `spec` knows, because the connector's own fields could not be determined.
  void checkFields(const ferry::Json& value, const schema::ObjectSpec& spec,
                   const std::string& pointer, bool complete);

 private:
  struct Declared {
    std::string pointer;
    const ferry::Json* value;
  };
  const ValidationOptions& options_;
  Problems& problems_;
  std::array<std::map<std::string, Declared>, 6> ids_;
};

// "an export", "a flow"
std::string withArticle(Kind kind);
// The connector of a connection resource, nullptr when its type is unknown.
const ConnectorDescriptor* connectorOf(const ferry::Json& connection);
schema::ObjectSpec merged(const schema::ObjectSpec& a, const schema::ObjectSpec& b);
// Reports every `:name` in `sql` (at `pointer`) that is not in `provided`.
void checkQueryParameters(ValidationContext& ctx, const std::string& sql,
                          const std::vector<std::string>& provided, const std::string& pointer,
                          const std::string& hint);

void validateFlow(ValidationContext& ctx, const ferry::Json& flow, const std::string& pointer);

}  // namespace ferry::model::detail
