// The socket services send sd_notify() datagrams to (NOTIFY_SOCKET). One per
// supervisor; the sender's PID, read from kernel-supplied credentials, says
// which service a message is about. The supervisor applies NotifyAccess=.
//
// Received as systemd does: SO_PASSCRED, a datagram of at most
// kMaxDatagram bytes, no embedded NUL. File descriptors sent along
// (SCM_RIGHTS, sd_pid_notify_with_fds) go to on_message, which may take
// some (FDSTORE=1, for a service with FileDescriptorStoreMax=); whatever it
// leaves is closed when it returns, as is a dropped datagram's at once, so
// no sender can make us hold its fds.
#pragma once

#include <sys/types.h>
#include <systemd/sd-event.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "platform/event_source.h"
#include "platform/io_yield.h"
#include "platform/notify_message.h"
#include "common/unique_fd.h"

namespace vermilion {

enum class NotifyProblem {
  no_credentials,  // dropped: no sender PID (e.g. a sender in another PID namespace)
  too_large,       // dropped: longer than kMaxDatagram; detail = its size
  embedded_nul,    // dropped
  fds_closed,      // the message still counts; detail = number of fds closed
  receive_failed,  // recvmsg() failed; detail = -errno; retried on the next wakeup
};
[[nodiscard]] const char* to_string(NotifyProblem problem);

struct NotifyIncident {
  NotifyProblem problem;
  pid_t sender = 0;  // 0 when unknown
  long detail = 0;
};

struct NotifySocketOptions {
  // Absolute path to bind. The directory is the caller's; a stale socket
  // there is replaced. The socket is made mode 0777 so services running as
  // other users can notify; access is decided per message by sender PID.
  std::string path;
  std::int64_t priority = SD_EVENT_PRIORITY_NORMAL;
  // `fds`: those sent along, in order; what is left in it is closed after.
  std::function<void(pid_t sender, uid_t uid, const NotifyMessage& message, std::vector<unique_fd>& fds)> on_message;
  std::function<void(const NotifyIncident& incident)> on_problem;  // optional
};

class NotifySocket {
 public:
  // systemd's NOTIFY_BUFFER_MAX (PIPE_BUF): sd_notify() messages are small,
  // and a fixed bound keeps one datagram from costing us more.
  static constexpr std::size_t kMaxDatagram = 4096;
  // Room for this many fds in the control buffer (systemd's NOTIFY_FD_MAX);
  // the kernel closes any beyond it.
  static constexpr std::size_t kMaxFds = 768;
  // Datagrams taken (over one or more turns of the loop) before every other
  // pending event gets its turn (IoYield).
  static constexpr std::size_t kDatagramsPerTurn = 64;

  // Callbacks run from the loop; they must not destroy the NotifySocket.
  [[nodiscard]] static int create(sd_event* loop, NotifySocketOptions options,
                                  std::unique_ptr<NotifySocket>& out);
  // Removes the socket file again.
  ~NotifySocket();
  NotifySocket(const NotifySocket&) = delete;
  NotifySocket& operator=(const NotifySocket&) = delete;

  // The value for a service's NOTIFY_SOCKET environment variable.
  [[nodiscard]] const std::string& address() const { return options_.path; }

 private:
  NotifySocket(NotifySocketOptions options, unique_fd socket)
      : options_(std::move(options)), socket_(std::move(socket)) {}

  static int on_readable(sd_event_source* source, int fd, std::uint32_t revents, void* userdata);
  // Receives and dispatches one datagram. False when none was pending.
  bool receive_one();
  void report(NotifyProblem problem, pid_t sender, long detail) const;

  NotifySocketOptions options_;
  unique_fd socket_;
  bool bound_ = false;
  EventSourcePtr source_;
  std::unique_ptr<IoYield> yield_;  // after source_: destroyed first
};

}  // namespace vermilion
