#pragma once

namespace ferry::agent::runtime {

// Tunes glibc's allocator for the engine's churn of small record nodes and page-sized
// buffers: fastbins off, so freed nodes merge as they are freed instead of all at once
// whenever a large block is asked for (a fifth of a flow's consuming thread), and buffers of
// a few hundred KB kept on the heap instead of mmap'ed and faulted in again for every page
// (docs/decisions/0006-engine-pipeline.md). Called once at the start of main(), before any
// thread starts.
void tuneAllocatorForRecords();

}  // namespace ferry::agent::runtime
