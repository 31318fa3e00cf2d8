#include "agent/runtime/allocator_tuning.h"

#include <malloc.h>

namespace ferry::agent::runtime {

void tuneAllocatorForRecords() {
#if defined(__GLIBC__)
  // GLIBC_TUNABLES=glibc.malloc.mxfast=… set by the user still wins: it is read before main.
  mallopt(M_MXFAST, 0);
  // A page's buffers (its JSON text, SQLite's copy of it, COPY data) are a few hundred KB:
  // served from the heap and kept there instead of mmap'ed, trimmed and faulted in again for
  // every page (a tenth of the export thread went to page faults).
  mallopt(M_MMAP_THRESHOLD, 8 << 20);
  mallopt(M_TRIM_THRESHOLD, 32 << 20);
  // A flow's reader, consumer, writer and committer threads would each get an arena of
  // their own, each holding the pages it freed: two arenas took a third off the peak RSS of
  // 5,000-record pages (107 → 78 MB) at the same speed; one arena halved the speed.
  mallopt(M_ARENA_MAX, 2);
#endif
}

}  // namespace ferry::agent::runtime
