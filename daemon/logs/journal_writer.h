// Sends entries to journald over its native datagram protocol without ever
// blocking. sd_journal_send() would do the same job, but its socket is
// blocking: with journald behind, vermiliond's whole loop would stall. Here a
// full journal queue costs that one entry (-EAGAIN), counted by the caller,
// and the line still sits in the service's LogBuffer.
//
// One writer serves all services. The socket path is a parameter so tests
// can stand in for journald.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/unique_fd.h"

namespace vermilion {

struct JournalField {
  std::string_view name;   // journald field name: A-Z, 0-9, '_', not starting with '_'
  std::string_view value;  // any bytes
};

// The native protocol's encoding of one entry: "NAME=value\n" per field, or
// for a value holding '\n' or NUL "NAME\n" + 64-bit little-endian length +
// value + "\n".
[[nodiscard]] std::string encode_journal_entry(const std::vector<JournalField>& fields);

class JournalWriter {
 public:
  static constexpr const char* kDefaultSocketPath = "/run/systemd/journal/socket";

  // -ENOENT when there is no socket at socket_path (no journald here: the
  // caller runs without a journal), other -errno on failure.
  [[nodiscard]] static int open(std::string socket_path, std::unique_ptr<JournalWriter>& out);

  // 0 when sent; -EAGAIN when journald's queue is full and the entry was
  // dropped; other -errno (journald gone, ...) likewise drop the entry.
  [[nodiscard]] int send(const std::vector<JournalField>& fields) const;

 private:
  JournalWriter(unique_fd socket, std::string socket_path)
      : socket_(std::move(socket)), socket_path_(std::move(socket_path)) {}

  unique_fd socket_;
  std::string socket_path_;
};

}  // namespace vermilion
