#include "platform/proc_stat.h"

#include <dirent.h>

#include <cerrno>
#include <charconv>
#include <memory>
#include <string>

#include "platform/file_io.h"

namespace vermilion {
namespace {

template <typename T>
bool parse_number(std::string_view text, T& out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

struct DirCloser {
  void operator()(DIR* d) const noexcept { closedir(d); }
};

}  // namespace

bool parse_proc_stat(std::string_view text, ProcStat& out) {
  auto open_paren = text.find(" (");
  auto close_paren = text.rfind(')');
  if (open_paren == std::string_view::npos || close_paren == std::string_view::npos || close_paren < open_paren) {
    return false;
  }
  ProcStat stat;
  if (!parse_number(text.substr(0, open_paren), stat.pid)) return false;
  // Fields after the command name, counted from 3 (state) as in proc(5).
  std::string_view rest = text.substr(close_paren + 1);
  int field = 2;
  std::size_t pos = 0;
  while (pos < rest.size() && field < 22) {
    while (pos < rest.size() && rest[pos] == ' ') ++pos;
    auto end = rest.find(' ', pos);
    if (end == std::string_view::npos) end = rest.size();
    std::string_view token = rest.substr(pos, end - pos);
    if (token.empty() || token == "\n") break;
    ++field;
    bool ok = true;
    switch (field) {
      case 3: stat.state = token[0]; break;
      case 4: ok = parse_number(token, stat.ppid); break;
      case 6: ok = parse_number(token, stat.session); break;
      case 22: ok = parse_number(token, stat.start_time); break;
      default: break;
    }
    if (!ok) return false;
    pos = end;
  }
  if (field < 22) return false;
  out = stat;
  return true;
}

int read_proc_stat(pid_t pid, ProcStat& out) {
  std::string text;
  int r = read_text_file("/proc/" + std::to_string(pid) + "/stat", text);
  if (r < 0) return r;
  while (!text.empty() && text.back() == '\n') text.pop_back();
  return parse_proc_stat(text, out) ? 0 : -EBADMSG;
}

int list_processes(std::vector<ProcStat>& out) {
  std::unique_ptr<DIR, DirCloser> dir(opendir("/proc"));
  if (!dir) return -errno;
  std::vector<ProcStat> processes;
  while (dirent* entry = readdir(dir.get())) {
    pid_t pid = 0;
    if (!parse_number(std::string_view(entry->d_name), pid) || pid <= 0) continue;
    ProcStat stat;
    if (read_proc_stat(pid, stat) == 0) processes.push_back(stat);
  }
  out = std::move(processes);
  return 0;
}

}  // namespace vermilion
