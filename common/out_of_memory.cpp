#include "common/out_of_memory.h"

#include <sys/uio.h>
#include <unistd.h>

#include <atomic>
#include <cstring>

namespace vermilion {
namespace {

std::atomic<unsigned long> reports{0};

}  // namespace

void report_out_of_memory(const char* where) noexcept {
  reports.fetch_add(1, std::memory_order_relaxed);
  static constexpr char kHead[] = "vermiliond: out of memory in ";
  static constexpr char kTail[] = "; that event was dropped\n";
  iovec parts[] = {{const_cast<char*>(kHead), sizeof kHead - 1},
                   {const_cast<char*>(where), std::strlen(where)},
                   {const_cast<char*>(kTail), sizeof kTail - 1}};
  (void)!::writev(STDERR_FILENO, parts, 3);
}

unsigned long out_of_memory_reports() noexcept { return reports.load(std::memory_order_relaxed); }

}  // namespace vermilion
