// D-Bus bytes written by hand, for tests that must fix exactly what a
// child sends on its link and when (timing, fds, malformed headers).
#pragma once

#include <sys/socket.h>

#include <cstdint>
#include <cstring>
#include <string>

namespace vermilion {

// What a client writes to authenticate (EXTERNAL as uid 0, as GDBus does),
// fds negotiated, and BEGIN.
inline constexpr char kAuth[] = "\0AUTH EXTERNAL 30\r\nNEGOTIATE_UNIX_FD\r\nBEGIN\r\n";

inline void put_u32(std::string& s, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) s.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

// A little-endian D-Bus method call, as bytes: without a body, or with one
// string argument; `unix_fds` is what its header says it carries.
inline std::string method_call(std::uint32_t serial, const std::string& path, const std::string& interface,
                        const std::string& member, const std::string* argument = nullptr,
                        std::uint32_t unix_fds = 0) {
  std::string fields;  // begins at offset 16 of the message
  auto align_fields = [&] {
    while ((16 + fields.size()) % 8) fields.push_back('\0');
  };
  auto field = [&](char code, char type, const std::string& value) {
    align_fields();
    fields += {code, 1, type, '\0'};
    put_u32(fields, static_cast<std::uint32_t>(value.size()));
    fields += value;
    fields.push_back('\0');
  };
  field(1, 'o', path);
  field(2, 's', interface);
  field(3, 's', member);
  std::string body;
  if (argument) {
    align_fields();
    fields += {8, 1, 'g', '\0', 1, 's', '\0'};  // SIGNATURE "s"
    put_u32(body, static_cast<std::uint32_t>(argument->size()));
    body += *argument;
    body.push_back('\0');
  }
  if (unix_fds) {
    align_fields();
    fields += {9, 1, 'u', '\0'};  // UNIX_FDS
    put_u32(fields, unix_fds);
  }
  std::string m = {'l', 1 /* method call */, 0, 1};
  put_u32(m, static_cast<std::uint32_t>(body.size()));
  put_u32(m, serial);
  put_u32(m, static_cast<std::uint32_t>(fields.size()));
  m += fields;
  while (m.size() % 8) m.push_back('\0');
  return m + body;
}

// Writes `bytes` with `fd` attached (SCM_RIGHTS), as a child may.
inline bool send_with_fd(int socket, const std::string& bytes, int fd) {
  iovec iov{const_cast<char*>(bytes.data()), bytes.size()};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  cmsghdr* c = CMSG_FIRSTHDR(&msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int));
  std::memcpy(CMSG_DATA(c), &fd, sizeof fd);
  return sendmsg(socket, &msg, MSG_NOSIGNAL) == static_cast<ssize_t>(bytes.size());
}

}  // namespace vermilion
