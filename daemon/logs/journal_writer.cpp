#include "logs/journal_writer.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <cerrno>
#include <cstdint>
#include <cstring>

namespace vermilion {

std::string encode_journal_entry(const std::vector<JournalField>& fields) {
  std::string out;
  for (const auto& field : fields) {
    out.append(field.name);
    const bool needs_length = field.value.find_first_of(std::string_view("\n\0", 2)) != std::string_view::npos;
    if (needs_length) {
      out.push_back('\n');
      std::uint64_t length = field.value.size();
      for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((length >> (8 * i)) & 0xff));
    } else {
      out.push_back('=');
    }
    out.append(field.value);
    out.push_back('\n');
  }
  return out;
}

int JournalWriter::open(std::string socket_path, std::unique_ptr<JournalWriter>& out) {
  sockaddr_un address{};
  if (socket_path.empty() || socket_path.size() >= sizeof(address.sun_path)) return -EINVAL;
  struct stat st{};
  if (::stat(socket_path.c_str(), &st) < 0) return -errno;
  if (!S_ISSOCK(st.st_mode)) return -ENOTSOCK;
  unique_fd socket(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (!socket) return -errno;
  out.reset(new JournalWriter(std::move(socket), std::move(socket_path)));
  return 0;
}

int JournalWriter::send(const std::vector<JournalField>& fields) const {
  const std::string datagram = encode_journal_entry(fields);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::memcpy(address.sun_path, socket_path_.data(), socket_path_.size());
  // Addressed on every send rather than connected once, so a restarted
  // journald is found again.
  for (;;) {
    const ssize_t n = ::sendto(socket_.get(), datagram.data(), datagram.size(),
                               MSG_DONTWAIT | MSG_NOSIGNAL, reinterpret_cast<const sockaddr*>(&address),
                               sizeof(address));
    if (n >= 0) return 0;
    if (errno != EINTR) return -errno;
  }
}

}  // namespace vermilion
