#include "agent/runtime/allocator_tuning.h"

#include <malloc.h>

namespace ferry::agent::runtime {

void tuneAllocatorForRecords() {
#if defined(__GLIBC__)
  // GLIBC_TUNABLES=glibc.malloc.mxfast=… set by the user still wins: it is read before main.
  mallopt(M_MXFAST, 0);
#endif
}

}  // namespace ferry::agent::runtime
