/* A daemon built the usual way with libsystemd's sd_notify: it reports
 * STATUS=, then READY=1 after a moment of work, then waits for SIGTERM, and
 * on SIGTERM reports STOPPING=1 and exits 0. With an argument "watchdog" it
 * also pets the watchdog at half the interval systemd's protocol tells it. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

static volatile sig_atomic_t stop_requested;

static void on_term(int sig) {
  (void)sig;
  stop_requested = 1;
}

int main(int argc, char **argv) {
  int watchdog = argc > 1 && strcmp(argv[1], "watchdog") == 0;
  int never_ready = argc > 1 && strcmp(argv[1], "never-ready") == 0;
  signal(SIGTERM, on_term);
  sd_notify(0, "STATUS=starting up");
  if (never_ready) {
    while (!stop_requested) pause();
    return 0;
  }
  sd_notifyf(0, "READY=1\nSTATUS=ready\nMAINPID=%d", (int)getpid());
  printf("notify helper ready\n");
  fflush(stdout);
  uint64_t interval = 0;
  if (watchdog && sd_watchdog_enabled(0, &interval) <= 0) interval = 0;
  while (!stop_requested) {
    if (interval > 0) {
      usleep(interval / 2);
      sd_notify(0, "WATCHDOG=1");
    } else {
      pause();
    }
  }
  sd_notify(0, "STOPPING=1");
  return 0;
}
