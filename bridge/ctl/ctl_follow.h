// `vermilionctl logs -f`: following a service's output through GetLogs, which
// returns the newest lines kept (realtime µs, line) and has neither a cursor
// nor a signal. So vermilionctl polls: each poll fetches a window of the
// newest lines, finds where the lines it already printed end inside it, and
// prints only what comes after.
//
// Where they end: the longest alignment of the remembered tail's end inside
// the window under which every overlapping (timestamp, line) pair matches.
// vermiliond stamps lines with the microsecond of the read that completed
// them and appends all lines of one read at once, so equal pairs come from
// one read (two reads within one microsecond printing the same text aside)
// and a poll sees all of them or none: the longest alignment is the true one,
// and no line is printed twice or skipped.
//
// When a full window does not reach back to the remembered tail, more lines
// came than one window holds: the caller fetches everything kept (GetLogs
// with 0) and advances with that. If even that does not overlap, lines were
// evicted before they were read (or the service's buffer is new): everything
// counts as new.
#pragma once

#include <cstddef>
#include <deque>
#include <optional>
#include <vector>

#include "ctl/ctl_control.h"

namespace vermilion::ctl {

class LogFollower {
 public:
  // Remembers the newest `remembered` lines printed (at least 1).
  explicit LogFollower(std::size_t remembered = 256);

  // Whether `window` reaches back to the remembered lines, i.e. it is known
  // which of its entries are new. False while nothing is remembered.
  [[nodiscard]] bool overlaps(const std::vector<LogEntry>& window) const;

  // The entries of `window` (oldest first) not printed before; remembers
  // them. Without overlap every entry is new.
  [[nodiscard]] std::vector<LogEntry> advance(const std::vector<LogEntry>& window);

 private:
  // Index in `window` of the first entry after the remembered ones.
  [[nodiscard]] std::optional<std::size_t> new_from(const std::vector<LogEntry>& window) const;

  std::size_t remembered_;
  std::deque<LogEntry> seen_;
};

}  // namespace vermilion::ctl
