#pragma once

#include <memory>

#include "agent/connectors/connector.h"
#include "agent/connectors/http/http_client.h"
#include "common/model/resources.h"

namespace ferry::agent::connectors::http {

// An `http` export (docs/connector-http.md "Exports"): one request per page with the
// export's params (`:since` replaced by the watermark), records found at `records`, the next
// page chosen by `paging.style` (none, cursor, page, offset, link). Each page's progress is
//   {"since": <watermark sent this run>, "maxDelta": <largest delta.field seen this run>,
//    "<cursor|page|offset|next>": <where the next page starts, null after the last page>}
// open(progress) resumes at that position with the same watermark; after a finished run the
// next one sends maxDelta (or, when the run saw none, the same since) as its watermark.
// kInvalidArgument naming the export for a paging style without the fields it needs or a
// malformed path.
Result<std::unique_ptr<Source>> openHttpSource(std::unique_ptr<HttpClient> client,
                                               const model::Export& exportDef,
                                               const ConnectorContext& context);

}  // namespace ferry::agent::connectors::http
