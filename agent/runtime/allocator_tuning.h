#pragma once

namespace ferry::agent::runtime {

// Tunes glibc's allocator for the engine's churn of small record nodes: with fastbins off,
// freed nodes are merged as they are freed instead of all at once whenever a large block
// (a page buffer) is requested, which took a fifth of a flow's consuming thread
// (docs/decisions/0006-engine-pipeline.md). Called once at the start of main(), before
// any thread starts.
void tuneAllocatorForRecords();

}  // namespace ferry::agent::runtime
