/* Stands in for vermilion-bridge in tests: prints what it was started with
 * ("arg=" per argument, "env=" per environment variable, "uid="), reports
 * READY=1 as the bridge does once it owns its bus name, prints "bridge
 * ready", then waits for SIGTERM and exits 0. */
#include <signal.h>
#include <stdio.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

extern char **environ;

static volatile sig_atomic_t stop_requested;

static void on_term(int sig) {
  (void)sig;
  stop_requested = 1;
}

int main(int argc, char **argv) {
  /* SIGTERM stays blocked except inside sigsuspend(): none is missed. */
  sigset_t term, waiting;
  sigemptyset(&term);
  sigaddset(&term, SIGTERM);
  sigprocmask(SIG_BLOCK, &term, &waiting);
  sigdelset(&waiting, SIGTERM);
  signal(SIGTERM, on_term);
  for (int i = 0; i < argc; i++) printf("arg=%s\n", argv[i]);
  for (char **e = environ; *e; e++) printf("env=%s\n", *e);
  printf("uid=%d\n", (int)getuid());
  sd_notify(0, "READY=1\nSTATUS=owning org.vermilion1");
  printf("bridge ready\n");
  fflush(stdout);
  while (!stop_requested) sigsuspend(&waiting);
  sd_notify(0, "STOPPING=1");
  return 0;
}
