// The built-in connector descriptors: one explicit table. agent/connectors/ implements each
// type against the fields declared here; extend a type here first, then implement it.
#include <algorithm>

#include "common/model/connector_descriptor.h"
#include "common/model/connector_fields.h"

namespace ferry::model {

namespace {

using namespace fields;
using schema::FieldType;
using schema::ObjectSpec;

constexpr int kMaxPort = 65535;

ObjectSpec sqlExport() {
  return {str("query",
              "SELECT run for each read; `:since` is the delta watermark. Order by "
              "(`delta.field`, `delta.key`) so pages resume exactly",
              true)};
}

ObjectSpec sqlImport() {
  return {str("table", "destination table", true),
          oneOf("mode", {"insert", "update", "upsert"}, "how records are written", "\"insert\""),
          typed("key", FieldType::kStringArray,
                "key columns matched by `update` and `upsert` (required for those modes)")};
}

ObjectSpec sqlLookup() {
  return {str("table", "table to read; give `table` or `query`"),
          typed("match", FieldType::kAnyObject,
                "`{column: recordPath}`: rows whose columns equal the record's values; a "
                "page's distinct keys are fetched in one query"),
          typed("fields", FieldType::kStringArray, "columns to fetch (default: all)"),
          str("query",
              "query run once per record instead of `table`; its `:name` "
              "parameters come from `params`"),
          typed("params", FieldType::kAnyObject,
                "`{name: recordPath}`: the record values bound to the query's `:name` "
                "parameters")};
}

ObjectSpec csvOptions() {
  return {object("csv", "CSV options (RFC 4180)",
                 {str("delimiter", "field separator (one character)", false, "\",\""),
                  str("quote", "quote character", false, "\"\\\"\""),
                  boolean("header", "the first line names the fields", "true")})};
}

ConnectorDescriptor sqlConnector(std::string type, std::string summary, ObjectSpec settings) {
  ConnectorDescriptor d;
  d.type = std::move(type);
  d.summary = std::move(summary);
  d.sql = true;
  d.settings = std::move(settings);
  d.exportType = "query";
  d.exportDelta = true;
  d.exportFields = sqlExport();
  d.importType = "table";
  d.importFields = sqlImport();
  d.lookups = true;
  d.lookupFields = sqlLookup();
  return d;
}

ConnectorDescriptor sqlite() {
  return sqlConnector(
      "sqlite", "a SQLite database file",
      {str("path", "database file (created by imports when missing)", true),
       integer("busyTimeoutMs", "how long to wait for a locked database", "5000", 0, 600000)});
}

ConnectorDescriptor postgresql() {
  return sqlConnector(
      "postgresql", "PostgreSQL 11 or later",
      {str("host", "server host name or address", true),
       integer("port", "server port", "5432", 1, kMaxPort), str("database", "database name", true),
       str("user", "user name", true), secret("password", "password"),
       oneOf("sslmode", {"disable", "allow", "prefer", "require", "verify-ca", "verify-full"},
             "libpq sslmode", "\"prefer\""),
       integer("connectTimeoutSeconds", "connect timeout", "10", 1, 3600)});
}

ConnectorDescriptor mysql() {
  return sqlConnector(
      "mysql", "MySQL 5.7+ or MariaDB 10.3+",
      {str("host", "server host name or address", true),
       integer("port", "server port", "3306", 1, kMaxPort), str("database", "database name", true),
       str("user", "user name", true), secret("password", "password"),
       oneOf("sslMode", {"disabled", "preferred", "required", "verify-ca", "verify-identity"},
             "TLS mode", "\"preferred\""),
       integer("connectTimeoutSeconds", "connect timeout", "10", 1, 3600)});
}

ConnectorDescriptor odbc() {
  return sqlConnector(
      "odbc", "any database with an ODBC driver",
      {str("connectionString",
           "ODBC connection string without the password, e.g. "
           "`Driver={PostgreSQL Unicode};Server=db;Database=erp`",
           true),
       str("user", "user name (added as `UID`)"), secret("password", "password (added as `PWD`)")});
}

ConnectorDescriptor file() {
  ConnectorDescriptor d;
  d.type = "file";
  d.summary = "files in a directory: CSV (RFC 4180) and JSON Lines";
  d.settings = {
      str("root", "directory that every path is relative to; paths cannot leave it", true)};
  d.exportType = "file";
  d.exportFields = {str("path", "glob of the files to read, relative to `root`", true),
                    oneOf("format", {"csv", "jsonl"}, "file format", "", true)};
  d.exportFields.push_back(csvOptions()[0]);
  d.exportFields.push_back(str("archive",
                               "directory (relative to `root`) a file moves to once it is read; "
                               "without it, files are read once and remembered by name and size"));
  d.importType = "file";
  d.importFields = {str("path", "file to append to, relative to `root`", true),
                    oneOf("format", {"csv", "jsonl"}, "file format", "", true)};
  d.importFields.push_back(csvOptions()[0]);
  d.importFields.push_back(integer("rotateBytes",
                                   "start a new file (renamed with a timestamp) past this size; "
                                   "0: never",
                                   "0", 0, 1e15));
  return d;
}

ObjectSpec httpAuth() {
  return {
      object("auth", "authentication (one of the forms)",
             {secret("bearer", "bearer token"),
              object("basic", "HTTP basic authentication",
                     {str("username", "user name", true), secret("password", "password", true)}),
              // No defaultJson on `header`: defaults create their parent objects, and an
              // `apiKey` without its required `value` would make every canonical http
              // connection invalid. The connector applies the default.
              object("apiKey", "API key sent in a request header",
                     {str("header", "header that carries the key (default `X-API-Key`)"),
                      secret("value", "the API key", true)})})};
}

ConnectorDescriptor http() {
  ConnectorDescriptor d;
  d.type = "http";
  d.summary = "REST APIs over HTTP(S)";
  d.settings = {str("baseUrl", "base URL that request paths are appended to", true)};
  d.settings.push_back(httpAuth()[0]);
  d.settings.push_back(typed("headers", FieldType::kAnyObject, "extra request headers"));
  d.settings.push_back(str("caFile", "PEM file of CA certificates to trust"));
  d.settings.push_back(integer("timeoutSeconds", "request timeout", "30", 1, 3600));
  d.exportType = "http";
  d.exportDelta = true;
  d.exportFields = {
      str("path", "request path (after `baseUrl`)", true),
      oneOf("method", {"GET", "POST"}, "request method", "\"GET\""),
      typed("params", FieldType::kAnyObject,
            "query parameters; a value `:since` is replaced by the delta watermark"),
      typed("body", FieldType::kAny, "request body (JSON) for POST"),
      str("records", "dotted path of the record array in the response; empty: the body", false,
          "\"\""),
      object("paging", "how to fetch the next page",
             {oneOf("style", {"none", "cursor", "page", "offset", "link"},
                    "`cursor`: a response field holds the next cursor; `page`/`offset`: "
                    "counted; `link`: the `Link: rel=next` header",
                    "\"none\""),
              str("field", "response path of the next cursor (`cursor`)"),
              str("param", "request parameter carrying the cursor, page or offset"),
              str("sizeParam", "request parameter carrying `pageSize`")})};
  d.importType = "http";
  d.importFields = {
      str("path", "request path (after `baseUrl`)", true),
      oneOf("method", {"POST", "PUT", "PATCH"}, "request method", "\"POST\""),
      boolean("batch", "send a page as one JSON array instead of one request per record", "false"),
      typed("headers", FieldType::kAnyObject, "extra request headers")};
  d.lookups = true;
  d.lookupFields = {
      str("path", "request path (after `baseUrl`)", true),
      typed("params", FieldType::kAnyObject,
            "`{param: recordPath}`: query parameters taken from the record"),
      str("records", "dotted path of the result in the response; empty: the body", false, "\"\"")};
  return d;
}

ConnectorDescriptor listener() {
  ConnectorDescriptor d;
  d.type = "listener";
  d.summary = "records pushed to the agent over HTTP (webhooks); exports only, no connection";
  d.takesConnection = false;
  d.exportType = "listener";
  d.exportFields = {object(
      "listener", "where records arrive",
      {str("path", "URL path on the agent's listener port, e.g. `/hooks/orders`", true),
       object("auth", "how callers prove who they are (leave out only on trusted networks)",
              {secret("hmacSha256", "HMAC-SHA256 key the body signature is checked with"),
               str("header", "header that carries the hex signature", false, "\"X-Signature\""),
               secret("bearer", "bearer token callers must send")})},
      true)};
  return d;
}

}  // namespace

const std::vector<ConnectorDescriptor>& connectorDescriptors() {
  static const std::vector<ConnectorDescriptor> table = {
      sqlite(), postgresql(), mysql(), odbc(), file(), http(), listener(),
  };  // immutable after first use
  return table;
}

const ConnectorDescriptor* findConnector(std::string_view type) {
  for (const auto& d : connectorDescriptors()) {
    if (d.type == type) return &d;
  }
  return nullptr;
}

std::vector<std::string> connectorTypes() {
  std::vector<std::string> out;
  for (const auto& d : connectorDescriptors()) out.push_back(d.type);
  return out;
}

}  // namespace ferry::model
