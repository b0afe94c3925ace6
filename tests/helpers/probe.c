/* A service for spawn tests that reports what it was started with.
 *   probe report        uid=, gid=, groups=, umask=, cwd=, nofile=, rtprio=, nnp=,
 *                       blocked= (how many), ignored= (which),
 *                       fds= (open fds), sid_is_pid=, sched=POLICY:PRIORITY,
 *                       ioprio=, capinh= capprm= capeff= capbnd= capamb=
 *                       (hex, as /proc/self/status), seccomp= (the mode),
 *                       uts= (its namespace), cpus= (Cpus_allowed_list),
 *                       timerslack= (ns), personality= (decimal),
 *                       coredump_filter= (as /proc shows it), then env= and
 *                       arg= lines
 *   probe echo OUT ERR  OUT on stdout, ERR on stderr
 *   probe terminal FILE writes to FILE: for fd 0, 1, 2 "fdN=" the device
 *                       number (major:minor, "-" for none) and whether it is
 *                       a terminal, "ctty=" the controlling terminal's
 *                       device number (0:0 for none), "ctty_is_stdin=",
 *                       "term=" $TERM; then "hello" on stdout
 *   probe tree [setsid] two children and a double-forked daemon (in a new
 *                       session with "setsid"), all waiting; prints
 *                       "pids=A B C D" once all exist, then waits itself */
#define _GNU_SOURCE
#include <dirent.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <termios.h>
#include <unistd.h>

extern char **environ;

static void report(int argc, char **argv) {
  printf("uid=%d\ngid=%d\n", (int)getuid(), (int)getgid());
  gid_t groups[256];
  int n = getgroups(256, groups);
  printf("groups=");
  for (int i = 0; i < n; i++) printf("%s%d", i ? "," : "", (int)groups[i]);
  printf("\n");
  mode_t mask = umask(0);
  printf("umask=%04o\n", (unsigned)mask);
  char cwd[4096];
  printf("cwd=%s\n", getcwd(cwd, sizeof cwd) ? cwd : "?");
  struct rlimit limit;
  getrlimit(RLIMIT_NOFILE, &limit);
  printf("nofile=%llu:%llu\n", (unsigned long long)limit.rlim_cur, (unsigned long long)limit.rlim_max);
  getrlimit(RLIMIT_RTPRIO, &limit);
  printf("rtprio=%llu:%llu\n", (unsigned long long)limit.rlim_cur, (unsigned long long)limit.rlim_max);
  printf("nnp=%d\n", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0));
  printf("seccomp=%d\n", prctl(PR_GET_SECCOMP, 0, 0, 0, 0));
  char uts[64];
  ssize_t uts_length = readlink("/proc/self/ns/uts", uts, sizeof uts - 1);
  printf("uts=%.*s\n", uts_length > 0 ? (int)uts_length : 1, uts_length > 0 ? uts : "?");
  FILE *status = fopen("/proc/self/status", "re");
  char line[256];
  while (status && fgets(line, sizeof line, status)) {
    char set[4], value[32];
    if (sscanf(line, "Cpus_allowed_list:%31s", value) == 1) printf("cpus=%s\n", value);
    if (sscanf(line, "Cap%3[A-Za-z]:%31s", set, value) != 2) continue;
    for (char *c = set; *c; c++) *c = (char)(*c >= 'A' && *c <= 'Z' ? *c + 32 : *c);
    printf("cap%s=%s\n", set, value);
  }
  if (status) fclose(status);
  printf("sid_is_pid=%d\n", getsid(0) == getpid());
  printf("timerslack=%d\n", prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0));
  printf("personality=%d\n", personality(0xffffffff));
  FILE *filter = fopen("/proc/self/coredump_filter", "re");
  char dump_mask[32] = "?";
  if (filter && fscanf(filter, "%31s", dump_mask) != 1) strcpy(dump_mask, "?");
  if (filter) fclose(filter);
  printf("coredump_filter=%s\n", dump_mask);
  struct sched_param param;
  sched_getparam(0, &param);
  printf("sched=%d:%d\n", sched_getscheduler(0), param.sched_priority);
  printf("ioprio=%ld\n", syscall(SYS_ioprio_get, 1 /* IOPRIO_WHO_PROCESS */, 0));
  sigset_t blocked;
  sigprocmask(SIG_BLOCK, NULL, &blocked);
  int blocked_count = 0;
  for (int sig = 1; sig < NSIG; sig++)
    if (sigismember(&blocked, sig) == 1) blocked_count++;
  printf("blocked=%d\nignored=", blocked_count);
  const char *comma = "";
  for (int sig = 1; sig < NSIG; sig++) {
    struct sigaction action;
    if (sigaction(sig, NULL, &action) == 0 && action.sa_handler == SIG_IGN) {
      printf("%s%d", comma, sig);
      comma = ",";
    }
  }
  printf("\n");
  DIR *dir = opendir("/proc/self/fd");
  printf("fds=");
  int first = 1;
  struct dirent *entry;
  while (dir && (entry = readdir(dir))) {
    if (entry->d_name[0] == '.' || atoi(entry->d_name) == dirfd(dir)) continue;
    printf("%s%s", first ? "" : ",", entry->d_name);
    first = 0;
  }
  printf("\n");
  if (dir) closedir(dir);
  for (char **e = environ; *e; e++) printf("env=%s\n", *e);
  for (int i = 0; i < argc; i++) printf("arg=%s\n", argv[i]);
}

static void wait_forever(void) {
  for (;;) pause();
}

static int tree(int use_setsid) {
  pid_t children[2];
  for (int i = 0; i < 2; i++) {
    children[i] = fork();
    if (children[i] == 0) wait_forever();
  }
  int sync[2];
  if (pipe(sync) < 0) return 1;
  pid_t middle = fork();
  if (middle == 0) {
    if (use_setsid) setsid();
    pid_t daemon = fork();
    if (daemon == 0) {
      close(sync[0]);
      pid_t self = getpid();
      if (write(sync[1], &self, sizeof self) != sizeof self) _exit(1);
      close(sync[1]);
      wait_forever();
    }
    _exit(0);
  }
  close(sync[1]);
  pid_t daemon = 0;
  if (read(sync[0], &daemon, sizeof daemon) != sizeof daemon) return 1;
  printf("pids=%d %d %d %d\n", (int)getpid(), (int)children[0], (int)children[1], (int)daemon);
  fflush(stdout);
  wait_forever();
  return 0;
}

static int terminal(const char *path) {
  FILE *out = fopen(path, "we");
  if (!out) return 1;
  for (int fd = 0; fd < 3; fd++) {
    struct stat st;
    if (fstat(fd, &st) < 0) fprintf(out, "fd%d=-\n", fd);
    else fprintf(out, "fd%d=%u:%u tty=%d\n", fd, major(st.st_rdev), minor(st.st_rdev), isatty(fd));
  }
  /* Field 7 of /proc/self/stat, after the parenthesised name. */
  unsigned long tty_nr = 0;
  FILE *stat_file = fopen("/proc/self/stat", "re");
  char line[1024];
  if (stat_file && fgets(line, sizeof line, stat_file)) {
    char *close_paren = strrchr(line, ')');
    if (close_paren) sscanf(close_paren + 2, "%*c %*d %*d %*d %lu", &tty_nr);
  }
  if (stat_file) fclose(stat_file);
  fprintf(out, "ctty=%u:%u\n", major((dev_t)tty_nr), minor((dev_t)tty_nr));
  fprintf(out, "ctty_is_stdin=%d\n", isatty(0) && tcgetsid(0) == getsid(0));
  const char *term = getenv("TERM");
  fprintf(out, "term=%s\n", term ? term : "-");
  fclose(out);
  printf("hello\n");
  fflush(stdout);
  return 0;
}

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "report") == 0) {
    report(argc, argv);
    return 0;
  }
  if (argc > 3 && strcmp(argv[1], "echo") == 0) {
    printf("%s\n", argv[2]);
    fflush(stdout);
    fprintf(stderr, "%s\n", argv[3]);
    return 0;
  }
  if (argc > 1 && strcmp(argv[1], "tree") == 0) return tree(argc > 2 && strcmp(argv[2], "setsid") == 0);
  if (argc > 2 && strcmp(argv[1], "terminal") == 0) return terminal(argv[2]);
  fprintf(stderr, "usage: probe report | echo OUT ERR | tree [setsid] | terminal FILE\n");
  return 2;
}
