#include "common/model/connector_descriptor.h"

namespace ferry::model {

namespace {

std::string section(const std::string& title, const schema::ObjectSpec& spec) {
  if (spec.empty()) return "";
  return "#### " + title + "\n\n" + schema::markdownTable(spec) + "\n";
}

}  // namespace

std::string connectorsMarkdown() {
  std::string out =
      "# Connectors\n\n"
      "<!-- Generated from common/model/connector_descriptors.cpp by scripts/gen-docs.sh; "
      "do not edit by hand. -->\n\n"
      "Every connection has a `type`; its `settings` and the type-specific fields of the "
      "exports, imports and lookups on it are listed here. `ferry-agent check` and the "
      "controller validate them from the same tables. A secret is written "
      "`{\"$secret\": \"name\"}`, never as plain text. See [definitions.md](definitions.md) "
      "for the resource model.\n\n"
      "| type | what it reaches | export `type` | import `type` | lookups |\n"
      "| --- | --- | --- | --- | --- |\n";
  for (const auto& d : connectorDescriptors()) {
    auto code = [](const std::string& s) { return s.empty() ? std::string("–") : "`" + s + "`"; };
    out += "| `" + d.type + "` | " + d.summary + " | " + code(d.exportType) + " | " +
           code(d.importType) + " | " + (d.lookups ? "yes" : "no") + " |\n";
  }
  out += "\n## Fields of every resource\n\n";
  out += section("connection", connectionFields());
  out += section("export", exportFields());
  out += section("import", importFields());
  out += section("lookup", lookupFields());
  out += section("flow", flowFields());
  out += section("integration", integrationFields());
  for (const auto& d : connectorDescriptors()) {
    out += "## `" + d.type + "`\n\n" + d.summary + ".\n\n";
    if (!d.takesConnection) out += "No connection: its exports leave out `connection`.\n\n";
    out += section("connection settings", d.settings);
    if (!d.exportType.empty()) {
      out += section("export fields (`\"type\": \"" + d.exportType + "\"`)", d.exportFields);
    }
    if (!d.importType.empty()) {
      out += section("import fields (`\"type\": \"" + d.importType + "\"`)", d.importFields);
    }
    if (d.lookups) out += section("lookup fields", d.lookupFields);
  }
  while (out.size() > 1 && out[out.size() - 1] == '\n' && out[out.size() - 2] == '\n') {
    out.pop_back();
  }
  return out;
}

}  // namespace ferry::model
