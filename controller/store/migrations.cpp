#include "controller/store/migrations.h"

namespace ferry::controller::store {

namespace {

// Types both dialects read alike: TEXT, BIGINT (SQLite stores it as a 64-bit INTEGER),
// INTEGER 0/1 for flags. Times are BIGINT milliseconds since the epoch; absent values are
// '' or 0 rather than NULL, so every read is typed the same on both backends.
std::vector<Migration> build() {
  std::vector<Migration> all;
  all.push_back(Migration{
      1,
      "initial schema",
      {
          R"(CREATE TABLE agents (
  id TEXT PRIMARY KEY,
  display_name TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  online INTEGER NOT NULL DEFAULT 0,
  epoch TEXT NOT NULL DEFAULT '',
  session_no BIGINT NOT NULL DEFAULT 0,
  last_seen BIGINT NOT NULL DEFAULT 0,
  reported TEXT NOT NULL DEFAULT '',
  reported_at BIGINT NOT NULL DEFAULT 0,
  agent_version TEXT NOT NULL DEFAULT '',
  applied_version BIGINT NOT NULL DEFAULT 0,
  rejected_version BIGINT NOT NULL DEFAULT 0,
  last_error TEXT NOT NULL DEFAULT '',
  outbox_backlog BIGINT NOT NULL DEFAULT 0,
  oldest_undelivered_age_seconds BIGINT NOT NULL DEFAULT 0,
  queue_depth BIGINT NOT NULL DEFAULT 0,
  stats TEXT NOT NULL DEFAULT '',
  stats_at BIGINT NOT NULL DEFAULT 0,
  enrollment_token_hash TEXT NOT NULL DEFAULT ''))",
          "CREATE INDEX agents_enrollment ON agents (enrollment_token_hash)",

          R"(CREATE TABLE resources (
  kind TEXT NOT NULL,
  id TEXT NOT NULL,
  integration TEXT NOT NULL DEFAULT '',
  version BIGINT NOT NULL,
  document TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (kind, id)))",
          "CREATE INDEX resources_integration ON resources (integration, kind, id)",
          R"(CREATE TABLE resource_versions (
  kind TEXT NOT NULL,
  id TEXT NOT NULL,
  version BIGINT NOT NULL,
  integration TEXT NOT NULL DEFAULT '',
  document TEXT NOT NULL,
  content_hash TEXT NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (kind, id, version)))",

          R"(CREATE TABLE deployments (
  agent_id TEXT NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
  version BIGINT NOT NULL,
  document TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  state TEXT NOT NULL DEFAULT 'pending',
  error TEXT NOT NULL DEFAULT '',
  reported_at BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (agent_id, version)))",

          R"(CREATE TABLE runs (
  run_id TEXT PRIMARY KEY,
  agent_id TEXT NOT NULL,
  flow_id TEXT NOT NULL DEFAULT '',
  integration TEXT NOT NULL DEFAULT '',
  trigger_name TEXT NOT NULL DEFAULT '',
  state TEXT NOT NULL,
  records_read BIGINT NOT NULL DEFAULT 0,
  records_filtered BIGINT NOT NULL DEFAULT 0,
  records_written BIGINT NOT NULL DEFAULT 0,
  records_failed BIGINT NOT NULL DEFAULT 0,
  started_at BIGINT NOT NULL DEFAULT 0,
  finished_at BIGINT NOT NULL DEFAULT 0,
  error_summary TEXT NOT NULL DEFAULT '',
  updated_at BIGINT NOT NULL))",
          // Each filter's index ends in the list's order, so a page is one index range.
          "CREATE INDEX runs_by_time ON runs (started_at, run_id)",
          "CREATE INDEX runs_by_flow ON runs (flow_id, started_at, run_id)",
          "CREATE INDEX runs_by_agent ON runs (agent_id, started_at, run_id)",
          "CREATE INDEX runs_by_integration ON runs (integration, started_at, run_id)",
          "CREATE INDEX runs_by_state ON runs (state, started_at, run_id)",

          // No foreign key to runs: an error may arrive before its run.started.
          R"(CREATE TABLE run_errors (
  error_id TEXT PRIMARY KEY,
  run_id TEXT NOT NULL,
  agent_id TEXT NOT NULL,
  flow_id TEXT NOT NULL DEFAULT '',
  step TEXT NOT NULL DEFAULT '',
  message TEXT NOT NULL DEFAULT '',
  record_json TEXT NOT NULL DEFAULT '',
  state TEXT NOT NULL DEFAULT 'open',
  resolution TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  resolved_at BIGINT NOT NULL DEFAULT 0))",
          "CREATE INDEX run_errors_by_time ON run_errors (created_at, error_id)",
          "CREATE INDEX run_errors_by_run ON run_errors (run_id, created_at, error_id)",
          "CREATE INDEX run_errors_by_flow ON run_errors (flow_id, created_at, error_id)",
          "CREATE INDEX run_errors_by_agent ON run_errors (agent_id, created_at, error_id)",

          // events_seen holds each stored (agent, epoch, seq); event_prefixes remembers how
          // far the contiguous prefix is known, so finding it never scans from seq 1.
          R"(CREATE TABLE events_seen (
  agent_id TEXT NOT NULL,
  epoch TEXT NOT NULL,
  seq BIGINT NOT NULL,
  type TEXT NOT NULL DEFAULT '',
  received_at BIGINT NOT NULL,
  PRIMARY KEY (agent_id, epoch, seq)))",
          R"(CREATE TABLE event_prefixes (
  agent_id TEXT NOT NULL,
  epoch TEXT NOT NULL,
  prefix BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (agent_id, epoch)))",
          R"(CREATE TABLE quarantined_events (
  agent_id TEXT NOT NULL,
  epoch TEXT NOT NULL,
  seq BIGINT NOT NULL,
  type TEXT NOT NULL DEFAULT '',
  reason TEXT NOT NULL,
  payload TEXT NOT NULL,
  received_at BIGINT NOT NULL,
  PRIMARY KEY (agent_id, epoch, seq)))",

          R"(CREATE TABLE commands (
  command_id TEXT PRIMARY KEY,
  agent_id TEXT NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
  type TEXT NOT NULL,
  payload TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'pending',
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  result TEXT NOT NULL DEFAULT ''))",
          "CREATE INDEX commands_by_agent ON commands (agent_id, state, created_at)",
          "CREATE INDEX commands_by_time ON commands (created_at, command_id)",

          R"(CREATE TABLE api_tokens (
  name TEXT PRIMARY KEY,
  token_hash TEXT NOT NULL UNIQUE,
  created_at BIGINT NOT NULL,
  last_used_at BIGINT NOT NULL DEFAULT 0))",
      },
      {},
      // Run ids and cursors compare bytewise on SQLite; make PostgreSQL agree whatever
      // the database's locale, so a cursor means the same on both.
      {
          R"(ALTER TABLE runs ALTER COLUMN run_id TYPE TEXT COLLATE "C")",
          R"(ALTER TABLE run_errors ALTER COLUMN error_id TYPE TEXT COLLATE "C")",
      }});
  all.push_back(Migration{
      2,
      "runs of a flow listed from their index (SQLite)",
      {},
      // A flow's run history is the busiest list (the API's and the dashboard's): on SQLite
      // its index carries every listed column, so a page is one index range with no seek
      // into the table per run (a fifth of a page's CPU on a million runs). The price: an
      // update of a run rewrites its entry here too. SQLite has no INCLUDE, so the columns
      // are keys. PostgreSQL keeps the narrow index: its index-only scans need pages marked
      // all-visible, which runs being updated rarely are, and an INCLUDE of error_summary
      // would fail any run whose summary passes the 2.7 kB limit of an index row.
      {"DROP INDEX runs_by_flow",
       "CREATE INDEX runs_by_flow ON runs (flow_id, started_at, run_id, agent_id, integration, "
       "trigger_name, state, records_read, records_filtered, records_written, records_failed, "
       "finished_at, error_summary, updated_at)"},
      {}});
  return all;
}

}  // namespace

const std::vector<Migration>& migrations() {
  static const std::vector<Migration> all = build();  // immutable after first use
  return all;
}

}  // namespace ferry::controller::store
