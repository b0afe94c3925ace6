/* A daemon built the usual way with libsystemd's sd_notify: it reports
 * STATUS=, then READY=1 after a moment of work, then waits for SIGTERM, and
 * on SIGTERM reports STOPPING=1 and exits 0. With an argument "watchdog" it
 * also pets the watchdog at half the interval systemd's protocol tells it.
 * With "ready-on-usr1" it prints "waiting for SIGUSR1" and reports READY=1
 * only once SIGUSR1 came: a service exactly as slow to start as a test wants.
 * With "status-on-usr1" it reports STATUS=got SIGUSR1 N for the Nth SIGUSR1
 * once ready: a status that changes while the state does not.
 *
 * SIGTERM stays blocked except while the helper waits (sigsuspend, ppoll):
 * a SIGTERM that came between a look at the flag and pause() would be lost
 * and the helper would never stop (seen in CI: a stop right after READY=1). */
#define _GNU_SOURCE /* ppoll */
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-daemon.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t stop_requested;
static volatile sig_atomic_t usr1_count;

static void on_term(int sig) {
  (void)sig;
  stop_requested = 1;
}

static void on_usr1(int sig) {
  (void)sig;
  ++usr1_count;
}

int main(int argc, char **argv) {
  int watchdog = argc > 1 && strcmp(argv[1], "watchdog") == 0;
  int never_ready = argc > 1 && strcmp(argv[1], "never-ready") == 0;
  int ready_on_usr1 = argc > 1 && strcmp(argv[1], "ready-on-usr1") == 0;
  int status_on_usr1 = argc > 1 && strcmp(argv[1], "status-on-usr1") == 0;
  sigset_t waited, unblocked;
  sigemptyset(&waited);
  sigaddset(&waited, SIGTERM);
  if (status_on_usr1) sigaddset(&waited, SIGUSR1);
  sigprocmask(SIG_BLOCK, &waited, &unblocked);
  signal(SIGTERM, on_term);
  if (status_on_usr1) signal(SIGUSR1, on_usr1);
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
    while (!stop_requested) sigsuspend(&unblocked);
    return 0;
  }
  sd_notifyf(0, "READY=1\nSTATUS=ready\nMAINPID=%d", (int)getpid());
  printf("notify helper ready\n");
  fflush(stdout);
  uint64_t interval = 0;
  if (watchdog && sd_watchdog_enabled(0, &interval) <= 0) interval = 0;
  int told = 0;
  while (!stop_requested) {
    while (told < usr1_count) sd_notifyf(0, "STATUS=got SIGUSR1 %d", ++told);
    if (interval > 0) {
      struct timespec half = {(time_t)(interval / 2 / 1000000), (long)(interval / 2 % 1000000) * 1000};
      if (ppoll(NULL, 0, &half, &unblocked) == 0) sd_notify(0, "WATCHDOG=1");
    } else {
      sigsuspend(&unblocked);
    }
  }
  sd_notify(0, "STOPPING=1");
  return 0;
}
