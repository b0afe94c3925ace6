// A stranger flooding a notify socket: a forked child that drops to nobody
// (65534) when we are root and sends "READY=1" (a message that belongs to no
// service) or what it is given, with blocking sends until killed, so the socket's queue stays
// full while it lives. What it sent is counted in shared memory.
#pragma once

#include <grp.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <new>
#include <string>

namespace vermilion::testing {

class NotifyFlooder {
 public:
  static constexpr uid_t kNobody = 65534;

  // Starts flooding `socket_path` with `message` (bytes, may hold NULs);
  // started() says whether the fork worked.
  explicit NotifyFlooder(const std::string& socket_path, const std::string& message = "READY=1") {
    void* shared = mmap(nullptr, sizeof(std::atomic<std::uint64_t>), PROT_READ | PROT_WRITE,
                        MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (shared == MAP_FAILED) return;
    sent_ = new (shared) std::atomic<std::uint64_t>(0);
    pid_ = fork();
    if (pid_ == 0) flood(socket_path, message);
  }
  NotifyFlooder(const NotifyFlooder&) = delete;
  NotifyFlooder& operator=(const NotifyFlooder&) = delete;
  ~NotifyFlooder() {
    (void)stop();
    if (sent_) munmap(sent_, sizeof *sent_);
  }

  [[nodiscard]] bool started() const { return pid_ > 0; }
  [[nodiscard]] pid_t pid() const { return pid_; }
  [[nodiscard]] std::uint64_t sent() const { return sent_ ? sent_->load(std::memory_order_relaxed) : 0; }
  // Whether it still floods (it exits only when it cannot send at all).
  [[nodiscard]] bool alive() const { return pid_ > 0 && waitpid(pid_, nullptr, WNOHANG) == 0; }
  // Kills and reaps it. True when it was still flooding until then.
  bool stop() {
    if (pid_ <= 0) return false;
    bool was_alive = alive();
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
    return was_alive;
  }

 private:
  [[noreturn]] void flood(const std::string& socket_path, const std::string& message) {
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    if (geteuid() == 0 && (setgroups(0, nullptr) < 0 || setgid(kNobody) < 0 || setuid(kNobody) < 0)) _exit(2);
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, socket_path.c_str(), sizeof addr.sun_path - 1);
    if (fd < 0 || connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0) _exit(3);
    for (;;) {
      if (send(fd, message.data(), message.size(), MSG_NOSIGNAL) > 0)
        sent_->fetch_add(1, std::memory_order_relaxed);
      else if (errno != EINTR && errno != EAGAIN)
        _exit(4);
    }
  }

  pid_t pid_ = -1;
  std::atomic<std::uint64_t>* sent_ = nullptr;
};

}  // namespace vermilion::testing
