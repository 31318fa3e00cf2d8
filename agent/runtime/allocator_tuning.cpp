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
#endif
}

}  // namespace ferry::agent::runtime
