#include "platform/proc_cmdline.h"

#include "platform/file_io.h"

namespace vermilion {

std::string format_cmdline(std::string_view cmdline, std::string_view comm) {
  while (!cmdline.empty() && cmdline.back() == '\0') cmdline.remove_suffix(1);
  if (cmdline.empty()) {
    while (!comm.empty() && comm.back() == '\n') comm.remove_suffix(1);
    return "[" + std::string(comm) + "]";
  }
  std::string out(cmdline);
  for (char& c : out)
    if (c == '\0') c = ' ';
  return out;
}

int read_proc_cmdline(pid_t pid, std::string& out) {
  const std::string dir = "/proc/" + std::to_string(pid);
  std::string cmdline, comm;
  if (int r = read_text_file(dir + "/cmdline", cmdline); r < 0) return r;
  if (cmdline.empty()) {
    if (int r = read_text_file(dir + "/comm", comm); r < 0) return r;
  }
  out = format_cmdline(cmdline, comm);
  return 0;
}

}  // namespace vermilion
