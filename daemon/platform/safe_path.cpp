#include "platform/safe_path.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <deque>
#include <string_view>

namespace vermilion {
namespace {

constexpr int kMaxSymlinks = 32;  // systemd's CHASE_MAX

// systemd's unsafe_transition(): from root's anything goes; otherwise the
// owner must stay the same.
bool unsafe_transition(const struct stat& from, const struct stat& to) {
  return from.st_uid != 0 && from.st_uid != to.st_uid;
}

void push_parts_front(std::deque<std::string>& parts, std::string_view path) {
  std::deque<std::string> mine;
  while (!path.empty()) {
    auto slash = path.find('/');
    std::string_view part = path.substr(0, slash);
    if (!part.empty() && part != ".") mine.emplace_back(part);
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  parts.insert(parts.begin(), mine.begin(), mine.end());
}

}  // namespace

int path_has_unsafe_transition(const std::string& path, bool& unsafe) {
  unsafe = false;
  struct stat previous {};
  if (lstat("/", &previous) < 0) return -errno;
  std::string done;  // resolved so far; "" is the root
  std::deque<std::string> parts;
  push_parts_front(parts, path);
  int links = 0;
  while (!parts.empty()) {
    std::string part = std::move(parts.front());
    parts.pop_front();
    struct stat st {};
    if (part == "..") {
      auto slash = done.rfind('/');
      done = slash == std::string::npos ? std::string() : done.substr(0, slash);
      if (lstat(done.empty() ? "/" : done.c_str(), &st) < 0) return -errno;
      if (unsafe_transition(previous, st)) return unsafe = true, 0;
      previous = st;
      continue;
    }
    std::string next = done + "/" + part;
    if (lstat(next.c_str(), &st) < 0) return -errno;
    if (unsafe_transition(previous, st)) return unsafe = true, 0;
    previous = st;
    if (!S_ISLNK(st.st_mode)) {
      done = std::move(next);
      continue;
    }
    if (++links > kMaxSymlinks) return -ELOOP;
    char target[PATH_MAX];
    ssize_t n = readlink(next.c_str(), target, sizeof target - 1);
    if (n < 0) return -errno;
    std::string_view destination(target, static_cast<std::size_t>(n));
    if (destination.starts_with('/')) {
      // From the root again, itself a step to check.
      done.clear();
      if (lstat("/", &st) < 0) return -errno;
      if (unsafe_transition(previous, st)) return unsafe = true, 0;
      previous = st;
    }
    push_parts_front(parts, destination);
  }
  return 0;
}

}  // namespace vermilion
