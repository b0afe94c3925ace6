/* A daemon built the usual way with libsystemd's sd_notify: it reports
 * STATUS=, then READY=1 after a moment of work, then waits for SIGTERM, and
 * on SIGTERM reports STOPPING=1 and exits 0. With an argument "watchdog" it
 * also pets the watchdog at half the interval systemd's protocol tells it.
 * With "ready-on-usr1" it prints "waiting for SIGUSR1" and reports READY=1
 * only once SIGUSR1 came: a service exactly as slow to start as a test wants. */
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
  int ready_on_usr1 = argc > 1 && strcmp(argv[1], "ready-on-usr1") == 0;
  signal(SIGTERM, on_term);
  if (ready_on_usr1) {
    sigset_t usr1;
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    sigprocmask(SIG_BLOCK, &usr1, NULL);
    printf("waiting for SIGUSR1\n");
    fflush(stdout);
    int sig = 0;
    sigwait(&usr1, &sig);
  }
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
