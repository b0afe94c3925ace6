#define _GNU_SOURCE /* POLLRDHUP */
/* A service that talks to vermiliond over its private link with sd-bus, the
 * way any D-Bus library can. It runs the commands given as arguments, in
 * order, printing one line per result to stdout (which the supervisor
 * captures, so tests read results from the service's log):
 *
 *   list                      -> "cap SLOT KIND OBJECT RIGHTS BADGE" per slot, then "listed N"
 *   status SLOT NAME          -> "status ACTIVE SUB RESULT PID"
 *   start|stop|restart|reload SLOT NAME -> "done METHOD"
 *   jobw start|stop|restart|reload SLOT NAME
 *                             -> the same call, asynchronous: prints each signal as it arrives
 *                                ("signal ...") until the reply, then "done METHOD" (or the error)
 *   mreload SLOT              -> ManagerCapability.Reload: "done ManagerReload"
 *   mreloadw SLOT             -> the same, asynchronous, printing signals until the reply (as jobw)
 *   kill SLOT NAME SIGNAL     -> "done Kill"
 *   logs SLOT NAME N          -> "log TEXT" per line
 *   derive SLOT RIGHTS        -> "derived SLOT"
 *   grant ENDPOINT SLOT RIGHTS -> "granted SLOT"
 *   revoke SLOT | drop SLOT   -> "done Revoke" | "done Drop"
 *   connect SLOT              -> "connected", then reads one line through the socket: "peer-said TEXT",
 *                                then "connection-open" if the socket is still open (else
 *                                "connection-closed-early"); the socket is kept for `eof`
 *   eof                       -> reads the connected socket until it ends: "connection-closed N"
 *   open SLOT                 -> "opened FDKIND"
 *   services SLOT             -> "service NAME ACTIVE SUB" per service
 *   capsof SLOT NAME          -> "capof SLOT KIND OBJECT [RIGHTS] BADGE" per capability NAME holds,
 *                                then "capsof N" (ListCapabilitiesOf)
 *   busrules SLOT             -> "busrule users=[..] groups=[..] service=GLOB rights=[..] manager=[..]
 *                                at=FILE:LINE" per rule, then "busrules N" (GetBusRules)
 *   props SLOT                -> "props NAME KEY:TYPE=VALUE..." per service (ListServiceProperties)
 *   watch SLOT                -> "done Watch"
 *   wait SIGNAL [COUNT]       -> "waiting SIGNAL", then "signal NAME ARGS" for each received signal
 *                                until COUNT of SIGNAL (ServicePropertiesChanged prints
 *                                "signal ServicePropertiesChanged NAME KEY:TYPE=VALUE...")
 *   serve                     -> calls ListCapabilities (a link delivers Connection only once
 *                                the child spoke), prints "serving", then answers each
 *                                Connection: writes "hello badge=B" to it and keeps its end
 *                                open (so only the broker can end the stream)
 *   derive-until SLOT RIGHTS  -> derives until an error: "derived-count N", then the error
 *   passfd SLOT               -> calls Derive with an fd attached: "error ..." or "done passfd"
 *   flood SLOT NAME           -> Status calls, 32 in flight, forever: "flooding" once the first
 *                                replies came, "flood-count N" every 500 replies
 *   latency SLOT NAME COUNT   -> COUNT Status round trips one after another:
 *                                "latency max_us=X median_us=Y"
 *   sigwait                   -> "sigwaiting", then blocks (without reading the link) until
 *                                SIGUSR1: "got-usr1"
 *   env                       -> "env NAME=VALUE" for LISTEN_* and VERMILION_BROKER_FD
 *   accept                    -> accept() on fd 3 (LISTEN_FDS), write "accepted" to the client
 *   hold                      -> waits for SIGTERM
 * Errors print "error NAME MESSAGE" and go on with the next command.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <systemd/sd-bus.h>
#include <time.h>
#include <unistd.h>

static sd_bus *bus;
static int conn = -1; /* the socket of the last `connect` */

static uint64_t now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static int compare_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

/* flood: keeps 32 Status calls in flight until killed. */
static long flood_replies;
static int on_flood_reply(sd_bus_message *m, void *userdata, sd_bus_error *e);
static int send_flood_call(const char *path, const char *name) {
  return sd_bus_call_method_async(bus, NULL, NULL, path, "org.vermilion1.ServiceCapability", "Status",
                                  on_flood_reply, (void *)name, "s", name);
}
static const char *flood_path;
static int on_flood_reply(sd_bus_message *m, void *userdata, sd_bus_error *e) {
  (void)e;
  if (sd_bus_message_is_method_error(m, NULL)) {
    printf("error %s %s\n", sd_bus_message_get_error(m)->name, sd_bus_message_get_error(m)->message);
    exit(1);
  }
  if (++flood_replies == 32) printf("flooding\n");
  if (flood_replies % 500 == 0) printf("flood-count %ld\n", flood_replies);
  fflush(stdout);
  return send_flood_call(flood_path, userdata);
}

/* The ServiceCapability job method a command names, or NULL. */
static const char *job_method(const char *cmd) {
  if (strcmp(cmd, "start") == 0) return "Start";
  if (strcmp(cmd, "stop") == 0) return "Stop";
  if (strcmp(cmd, "restart") == 0) return "Restart";
  if (strcmp(cmd, "reload") == 0) return "Reload";
  return NULL;
}

static void path_of(char *out, size_t n, const char *slot) {
  snprintf(out, n, "/org/vermilion1/link/cap/%s", slot);
}

static int report_error(sd_bus_error *e, int r) {
  printf("error %s %s\n", e->name ? e->name : "errno", e->message ? e->message : strerror(-r));
  fflush(stdout);
  sd_bus_error_free(e);
  return r;
}

static int call(const char *slot, const char *iface, const char *method, sd_bus_message **reply,
                const char *types, ...) {
  char path[128];
  sd_bus_message *m = NULL;
  sd_bus_error e = SD_BUS_ERROR_NULL;
  path_of(path, sizeof path, slot);
  int r = sd_bus_message_new_method_call(bus, &m, NULL, path, iface, method);
  if (r < 0) return r;
  if (types && *types) {
    va_list ap;
    va_start(ap, types);
    r = sd_bus_message_appendv(m, types, ap);
    va_end(ap);
    if (r < 0) return r;
  }
  r = sd_bus_call(bus, m, 30 * 1000000ULL, &e, reply);
  sd_bus_message_unref(m);
  if (r < 0) return report_error(&e, r);
  return r;
}

/* Prints an a{sv} as " KEY:TYPE=VALUE" each, in order: basic values, string
   lists and command lists (their paths); any other value as "...". */
static int print_properties(sd_bus_message *m) {
  int r = sd_bus_message_enter_container(m, 'a', "{sv}");
  if (r < 0) return r;
  while ((r = sd_bus_message_enter_container(m, 'e', "sv")) > 0) {
    const char *key, *contents;
    char type;
    if ((r = sd_bus_message_read(m, "s", &key)) < 0 || (r = sd_bus_message_peek_type(m, &type, &contents)) < 0 ||
        (r = sd_bus_message_enter_container(m, 'v', contents)) < 0)
      return r;
    printf(" %s:%s=", key, contents);
    if (strcmp(contents, "as") == 0) {  /* a list: its words joined by commas */
      const char *word;
      if ((r = sd_bus_message_enter_container(m, 'a', "s")) < 0) return r;
      for (int k = 0; (r = sd_bus_message_read_basic(m, 's', &word)) > 0; ++k) printf("%s%s", k ? "," : "", word);
      if (r < 0 || (r = sd_bus_message_exit_container(m)) < 0) return r;
      if ((r = sd_bus_message_exit_container(m)) < 0 || (r = sd_bus_message_exit_container(m)) < 0) return r;
      continue;
    }
    if (strcmp(contents, "a(sasasttttuii)") == 0) { /* a command list: its paths joined by commas */
      const char *path;
      if ((r = sd_bus_message_enter_container(m, 'a', "(sasasttttuii)")) < 0) return r;
      for (int k = 0; (r = sd_bus_message_enter_container(m, 'r', "sasasttttuii")) > 0; ++k) {
        if ((r = sd_bus_message_read_basic(m, 's', &path)) < 0 || (r = sd_bus_message_skip(m, "asasttttuii")) < 0 ||
            (r = sd_bus_message_exit_container(m)) < 0)
          return r;
        printf("%s%s", k ? "," : "", path);
      }
      if (r < 0 || (r = sd_bus_message_exit_container(m)) < 0) return r;
      if ((r = sd_bus_message_exit_container(m)) < 0 || (r = sd_bus_message_exit_container(m)) < 0) return r;
      continue;
    }
    if (!strchr("suitb", contents[0]) || contents[1]) { /* another container: skipped, shown as "..." */
      if ((r = sd_bus_message_skip(m, contents)) < 0) return r;
      printf("...");
      if ((r = sd_bus_message_exit_container(m)) < 0 || (r = sd_bus_message_exit_container(m)) < 0) return r;
      continue;
    }
    union {
      const char *s;
      uint32_t u;
      int32_t i;
      uint64_t t;
      int b;
    } v;
    if ((r = sd_bus_message_read_basic(m, contents[0], &v)) < 0) return r;
    switch (contents[0]) {
      case 's': printf("%s", v.s); break;
      case 'u': printf("%u", v.u); break;
      case 'i': printf("%d", v.i); break;
      case 't': printf("%llu", (unsigned long long)v.t); break;
      case 'b': printf("%s", v.b ? "yes" : "no"); break;
      default: printf("?"); break;
    }
    if ((r = sd_bus_message_exit_container(m)) < 0 || (r = sd_bus_message_exit_container(m)) < 0) return r;
  }
  if (r < 0) return r;
  return sd_bus_message_exit_container(m);
}

static int print_signal(sd_bus_message *m, const char *want, int *seen) {
  const char *member = sd_bus_message_get_member(m);
  if (!member) return 0;
  if (strcmp(member, "Revoked") == 0) {
    uint32_t slot;
    sd_bus_message_read(m, "u", &slot);
    printf("signal Revoked %u\n", slot);
  } else if (strcmp(member, "CapabilityReceived") == 0) {
    uint32_t slot;
    const char *kind, *object, *rights, *path;
    uint64_t badge;
    sd_bus_message_read(m, "usssto", &slot, &kind, &object, &rights, &badge, &path);
    printf("signal CapabilityReceived %u %s %s [%s] %llu\n", slot, kind, object, rights,
           (unsigned long long)badge);
  } else if (strcmp(member, "ServiceStateChanged") == 0) {
    const char *name, *active, *sub;
    sd_bus_message_read(m, "sss", &name, &active, &sub);
    printf("signal ServiceStateChanged %s %s %s\n", name, active, sub);
  } else if (strcmp(member, "ServicePropertiesChanged") == 0) {
    const char *name;
    sd_bus_message_read(m, "s", &name);
    printf("signal ServicePropertiesChanged %s", name);
    if (print_properties(m) < 0) printf(" error-reading");
    printf("\n");
  } else if (strcmp(member, "Reloaded") == 0) {
    printf("signal Reloaded\n");
  } else if (strcmp(member, "Connection") == 0) {
    int fd;
    uint64_t badge;
    sd_bus_message_read(m, "ht", &fd, &badge);
    printf("signal Connection %llu\n", (unsigned long long)badge);
    char line[64];
    int n = snprintf(line, sizeof line, "hello badge=%llu\n", (unsigned long long)badge);
    if (write(fd, line, (size_t)n) < 0) printf("error write %s\n", strerror(errno));
    /* The message owns fd; keep a copy so the stream lives until the broker cuts it. */
    if (fcntl(fd, F_DUPFD_CLOEXEC, 3) < 0) printf("error dup %s\n", strerror(errno));
  } else {
    return 0;
  }
  fflush(stdout);
  if (want && strcmp(member, want) == 0) ++*seen;
  return 0;
}

/* jobw: the reply of the job call in flight. */
static int job_replied;
static int on_job_reply(sd_bus_message *m, void *userdata, sd_bus_error *e) {
  (void)e;
  const sd_bus_error *error = sd_bus_message_get_error(m);
  if (error)
    printf("error %s %s\n", error->name, error->message);
  else
    printf("done %s\n", (const char *)userdata);
  fflush(stdout);
  job_replied = 1;
  return 1;
}

/* Calls METHOD (with NAME as its one argument, if not NULL) asynchronously
 * and handles every message as it comes until the reply: the lines show
 * signals and the reply ("done LABEL" or the error) in the order the link
 * sent them. */
static void call_printing_signals(const char *slot, const char *iface, const char *method, const char *label,
                                  const char *name) {
  char path[128];
  path_of(path, sizeof path, slot);
  job_replied = 0;
  int r = name ? sd_bus_call_method_async(bus, NULL, NULL, path, iface, method, on_job_reply, (void *)label, "s", name)
               : sd_bus_call_method_async(bus, NULL, NULL, path, iface, method, on_job_reply, (void *)label, "");
  if (r < 0) printf("error call %s\n", strerror(-r));
  while (r >= 0 && !job_replied) {
    sd_bus_message *m = NULL;
    r = sd_bus_process(bus, &m);
    if (r < 0) {
      printf("error process %s\n", strerror(-r));
      break;
    }
    if (m) {
      uint8_t type = 0;
      if (sd_bus_message_get_type(m, &type) >= 0 && type == SD_BUS_MESSAGE_SIGNAL) print_signal(m, NULL, NULL);
      sd_bus_message_unref(m);
      continue;
    }
    if (r == 0 && sd_bus_wait(bus, UINT64_MAX) < 0) break;
  }
}

/* Processes incoming messages until `count` signals named `want` arrived. */
static int wait_signals(const char *want, int count) {
  int seen = 0;
  if (want) {
    printf("waiting %s\n", want);
    fflush(stdout);
  }
  while (!want || seen < count) {
    sd_bus_message *m = NULL;
    int r = sd_bus_process(bus, &m);
    if (r < 0) {
      printf("error process %s\n", strerror(-r));
      fflush(stdout);
      return r;
    }
    if (m) {
      /* (sd_bus_message_get_type() with a NULL pointer is -EINVAL, not a test.) */
      uint8_t type = 0;
      if (sd_bus_message_get_type(m, &type) >= 0 && type == SD_BUS_MESSAGE_SIGNAL) print_signal(m, want, &seen);
      sd_bus_message_unref(m);
      continue;
    }
    if (r > 0) continue;
    if (sd_bus_wait(bus, UINT64_MAX) < 0) return -1;
  }
  return 0;
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  /* For `sigwait`: SIGUSR1 never kills us, whenever it comes. */
  sigset_t usr1;
  sigemptyset(&usr1);
  sigaddset(&usr1, SIGUSR1);
  sigprocmask(SIG_BLOCK, &usr1, NULL);
  const char *fd_text = getenv("VERMILION_BROKER_FD");
  int r;
  if (!fd_text) {
    printf("error no-link VERMILION_BROKER_FD is not set\n");
    for (int i = 1; i < argc; ++i)
      if (strcmp(argv[i], "env") == 0) printf("env LISTEN_FDS=%s\n", getenv("LISTEN_FDS") ?: "");
    return 0;
  }
  int fd = atoi(fd_text);
  if ((r = sd_bus_new(&bus)) < 0 || (r = sd_bus_set_fd(bus, fd, fd)) < 0 ||
      (r = sd_bus_set_anonymous(bus, 1)) < 0 || (r = sd_bus_negotiate_fds(bus, 1)) < 0 ||
      (r = sd_bus_start(bus)) < 0) {
    printf("error connect %s\n", strerror(-r));
    return 1;
  }
  for (int i = 1; i < argc; ++i) {
    const char *cmd = argv[i];
    sd_bus_message *reply = NULL;
    if (strcmp(cmd, "list") == 0) {
      sd_bus_error e = SD_BUS_ERROR_NULL;
      r = sd_bus_call_method(bus, NULL, "/org/vermilion1/link", "org.vermilion1.Link", "ListCapabilities", &e,
                             &reply, "");
      if (r < 0) {
        report_error(&e, r);
        continue;
      }
      uint32_t slot;
      const char *kind, *object, *rights, *path;
      uint64_t badge;
      int n = 0;
      sd_bus_message_enter_container(reply, 'a', "(usssto)");
      while (sd_bus_message_read(reply, "(usssto)", &slot, &kind, &object, &rights, &badge, &path) > 0) {
        printf("cap %u %s %s [%s] %llu\n", slot, kind, object, rights, (unsigned long long)badge);
        ++n;
      }
      printf("listed %d\n", n);
    } else if (strcmp(cmd, "status") == 0 && i + 2 < argc) {
      const char *slot = argv[++i], *name = argv[++i];
      if (call(slot, "org.vermilion1.ServiceCapability", "Status", &reply, "s", name) >= 0) {
        const char *active, *sub, *result, *description;
        uint32_t pid, restarts;
        int32_t status;
        sd_bus_message_read(reply, "sssuuis", &active, &sub, &result, &pid, &restarts, &status, &description);
        printf("status %s %s %s %u\n", active, sub, result, pid);
      }
    } else if (job_method(cmd) && i + 2 < argc) {
      const char *slot = argv[++i], *name = argv[++i];
      const char *method = job_method(cmd);
      if (call(slot, "org.vermilion1.ServiceCapability", method, &reply, "s", name) >= 0)
        printf("done %s\n", method);
    } else if (strcmp(cmd, "jobw") == 0 && i + 3 < argc && job_method(argv[i + 1])) {
      const char *method = job_method(argv[++i]);
      const char *slot = argv[++i], *name = argv[++i];
      call_printing_signals(slot, "org.vermilion1.ServiceCapability", method, method, name);
    } else if (strcmp(cmd, "mreloadw") == 0 && i + 1 < argc) {
      call_printing_signals(argv[++i], "org.vermilion1.ManagerCapability", "Reload", "ManagerReload", NULL);
    } else if (strcmp(cmd, "mreload") == 0 && i + 1 < argc) {
      if (call(argv[++i], "org.vermilion1.ManagerCapability", "Reload", &reply, "") >= 0)
        printf("done ManagerReload\n");
    } else if (strcmp(cmd, "kill") == 0 && i + 3 < argc) {
      const char *slot = argv[++i], *name = argv[++i];
      int sig = atoi(argv[++i]);
      if (call(slot, "org.vermilion1.ServiceCapability", "Kill", &reply, "si", name, sig) >= 0) printf("done Kill\n");
    } else if (strcmp(cmd, "logs") == 0 && i + 3 < argc) {
      const char *slot = argv[++i], *name = argv[++i];
      uint32_t n = (uint32_t)atoi(argv[++i]);
      if (call(slot, "org.vermilion1.ServiceCapability", "GetLogs", &reply, "su", name, n) >= 0) {
        uint64_t t;
        const char *text;
        sd_bus_message_enter_container(reply, 'a', "(ts)");
        while (sd_bus_message_read(reply, "(ts)", &t, &text) > 0) printf("log %s\n", text);
      }
    } else if (strcmp(cmd, "derive") == 0 && i + 2 < argc) {
      const char *slot = argv[++i], *rights = argv[++i];
      if (call(slot, "org.vermilion1.Capability", "Derive", &reply, "s", rights) >= 0) {
        uint32_t s;
        const char *path;
        sd_bus_message_read(reply, "uo", &s, &path);
        printf("derived %u\n", s);
      }
    } else if (strcmp(cmd, "grant") == 0 && i + 3 < argc) {
      const char *ep = argv[++i];
      uint32_t slot = (uint32_t)atoi(argv[++i]);
      const char *rights = argv[++i];
      if (call(ep, "org.vermilion1.EndpointCapability", "Grant", &reply, "us", slot, rights) >= 0) {
        uint32_t s;
        sd_bus_message_read(reply, "u", &s);
        printf("granted %u\n", s);
      }
    } else if ((strcmp(cmd, "revoke") == 0 || strcmp(cmd, "drop") == 0) && i + 1 < argc) {
      const char *method = cmd[0] == 'r' ? "Revoke" : "Drop";
      if (call(argv[++i], "org.vermilion1.Capability", method, &reply, "") >= 0) printf("done %s\n", method);
    } else if (strcmp(cmd, "connect") == 0 && i + 1 < argc) {
      if (call(argv[++i], "org.vermilion1.EndpointCapability", "Connect", &reply, "") >= 0) {
        int sock;
        sd_bus_message_read(reply, "h", &sock);
        printf("connected\n");
        fflush(stdout);
        conn = fcntl(sock, F_DUPFD_CLOEXEC, 3); /* the reply owns sock */
        char buf[128];
        ssize_t n = read(conn, buf, sizeof buf - 1);
        if (n > 0) {
          buf[n] = 0;
          buf[strcspn(buf, "\n")] = 0;
          printf("peer-said %s\n", buf);
        }
        struct pollfd p = {.fd = conn, .events = POLLIN | POLLRDHUP};
        printf("%s\n", poll(&p, 1, 0) == 0 ? "connection-open" : "connection-closed-early");
      }
    } else if (strcmp(cmd, "eof") == 0) {
      char buf[128];
      ssize_t n = read(conn, buf, sizeof buf);
      printf("connection-closed %zd\n", n);
    } else if (strcmp(cmd, "open") == 0 && i + 1 < argc) {
      if (call(argv[++i], "org.vermilion1.FdCapability", "Open", &reply, "") >= 0) {
        int got;
        struct stat st;
        sd_bus_message_read(reply, "h", &got);
        fstat(got, &st);
        printf("opened %s\n", S_ISSOCK(st.st_mode) ? "socket" : S_ISREG(st.st_mode) ? "file" : "other");
      }
    } else if (strcmp(cmd, "services") == 0 && i + 1 < argc) {
      if (call(argv[++i], "org.vermilion1.ManagerCapability", "ListServices", &reply, "") >= 0) {
        const char *name, *description, *active, *sub;
        sd_bus_message_enter_container(reply, 'a', "(ssss)");
        while (sd_bus_message_read(reply, "(ssss)", &name, &description, &active, &sub) > 0)
          printf("service %s %s %s\n", name, active, sub);
      }
    } else if (strcmp(cmd, "capsof") == 0 && i + 2 < argc) {
      const char *slot = argv[++i], *name = argv[++i];
      if (call(slot, "org.vermilion1.ManagerCapability", "ListCapabilitiesOf", &reply, "s", name) >= 0) {
        uint32_t s;
        const char *kind, *object, *rights;
        uint64_t badge;
        int n = 0;
        sd_bus_message_enter_container(reply, 'a', "(ussst)");
        while (sd_bus_message_read(reply, "(ussst)", &s, &kind, &object, &rights, &badge) > 0) {
          printf("capof %u %s %s [%s] %llu\n", s, kind, object, rights, (unsigned long long)badge);
          ++n;
        }
        printf("capsof %d\n", n);
      }
    } else if (strcmp(cmd, "busrules") == 0 && i + 1 < argc) {
      if (call(argv[++i], "org.vermilion1.ManagerCapability", "GetBusRules", &reply, "") >= 0) {
        int n = 0;
        sd_bus_message_enter_container(reply, 'a', "(asasssss)");
        while (sd_bus_message_enter_container(reply, 'r', "asasssss") > 0) {
          printf("busrule");
          for (int list = 0; list < 2; ++list) {
            const char *word;
            printf(list == 0 ? " users=[" : " groups=[");
            sd_bus_message_enter_container(reply, 'a', "s");
            for (int k = 0; sd_bus_message_read(reply, "s", &word) > 0; ++k) printf("%s%s", k ? " " : "", word);
            sd_bus_message_exit_container(reply);
            printf("]");
          }
          const char *glob, *rights, *manager, *where;
          sd_bus_message_read(reply, "ssss", &glob, &rights, &manager, &where);
          printf(" service=%s rights=[%s] manager=[%s] at=%s\n", glob, rights, manager, where);
          sd_bus_message_exit_container(reply);
          ++n;
        }
        printf("busrules %d\n", n);
      }
    } else if (strcmp(cmd, "props") == 0 && i + 1 < argc) {
      if (call(argv[++i], "org.vermilion1.ManagerCapability", "ListServiceProperties", &reply, "") >= 0) {
        const char *name;
        sd_bus_message_enter_container(reply, 'a', "(sa{sv})");
        while (sd_bus_message_enter_container(reply, 'r', "sa{sv}") > 0) {
          sd_bus_message_read(reply, "s", &name);
          printf("props %s", name);
          if (print_properties(reply) < 0) printf(" error-reading");
          printf("\n");
          sd_bus_message_exit_container(reply);
        }
      }
    } else if (strcmp(cmd, "watch") == 0 && i + 1 < argc) {
      if (call(argv[++i], "org.vermilion1.ManagerCapability", "Watch", &reply, "") >= 0) printf("done Watch\n");
    } else if (strcmp(cmd, "wait") == 0 && i + 1 < argc) {
      const char *want = argv[++i];
      int count = 1;
      if (i + 1 < argc && atoi(argv[i + 1]) > 0) count = atoi(argv[++i]);
      wait_signals(want, count);
    } else if (strcmp(cmd, "serve") == 0) {
      sd_bus_error e = SD_BUS_ERROR_NULL;
      r = sd_bus_call_method(bus, NULL, "/org/vermilion1/link", "org.vermilion1.Link", "ListCapabilities", &e,
                             &reply, "");
      if (r < 0) {
        report_error(&e, r);
        continue;
      }
      printf("serving\n");
      fflush(stdout);
      wait_signals(NULL, 0);
    } else if (strcmp(cmd, "env") == 0) {
      printf("env LISTEN_FDS=%s LISTEN_PID=%s LISTEN_FDNAMES=%s VERMILION_BROKER_FD=%s pid=%d\n",
             getenv("LISTEN_FDS") ?: "", getenv("LISTEN_PID") ?: "", getenv("LISTEN_FDNAMES") ?: "",
             getenv("VERMILION_BROKER_FD") ?: "", (int)getpid());
    } else if (strcmp(cmd, "accept") == 0) {
      printf("accepting\n");
      fflush(stdout);
      int client = accept(3, NULL, NULL);
      if (client < 0) {
        printf("error accept %s\n", strerror(errno));
      } else {
        if (write(client, "accepted\n", 9) < 0) printf("error write %s\n", strerror(errno));
        close(client);
        printf("accepted one\n");
      }
    } else if (strcmp(cmd, "derive-until") == 0 && i + 2 < argc) {
      const char *slot = argv[++i], *rights = argv[++i];
      int n = 0;
      for (;;) {
        sd_bus_message *r2 = NULL;
        if (call(slot, "org.vermilion1.Capability", "Derive", &r2, "s", rights) < 0) break;
        sd_bus_message_unref(r2);
        ++n;
      }
      printf("derived-count %d\n", n);
    } else if (strcmp(cmd, "passfd") == 0 && i + 1 < argc) {
      if (call(argv[++i], "org.vermilion1.Capability", "Derive", &reply, "sh", "status", 0) >= 0)
        printf("done passfd\n");
    } else if (strcmp(cmd, "flood") == 0 && i + 2 < argc) {
      char path[128];
      path_of(path, sizeof path, argv[++i]);
      flood_path = path;
      const char *name = argv[++i];
      for (int k = 0; k < 32; ++k) send_flood_call(path, name);
      for (;;) {
        int r2 = sd_bus_process(bus, NULL);
        if (r2 < 0) {
          printf("error process %s\n", strerror(-r2));
          return 1;
        }
        if (r2 == 0 && sd_bus_wait(bus, UINT64_MAX) < 0) return 1;
      }
    } else if (strcmp(cmd, "latency") == 0 && i + 3 < argc) {
      const char *slot = argv[++i], *name = argv[++i];
      int count = atoi(argv[++i]);
      uint64_t *samples = calloc((size_t)(count > 0 ? count : 1), sizeof *samples);
      int n = 0;
      for (; n < count; ++n) {
        sd_bus_message *r2 = NULL;
        uint64_t t0 = now_us();
        if (call(slot, "org.vermilion1.ServiceCapability", "Status", &r2, "s", name) < 0) break;
        samples[n] = now_us() - t0;
        sd_bus_message_unref(r2);
      }
      if (n == count && n > 0) {
        qsort(samples, (size_t)n, sizeof *samples, compare_u64);
        printf("latency max_us=%llu median_us=%llu\n", (unsigned long long)samples[n - 1],
               (unsigned long long)samples[n / 2]);
      }
      free(samples);
    } else if (strcmp(cmd, "sigwait") == 0) {
      printf("sigwaiting\n");
      fflush(stdout);
      sigset_t wanted;
      sigemptyset(&wanted);
      sigaddset(&wanted, SIGUSR1);
      int sig = 0;
      sigwait(&wanted, &sig);
      printf("got-usr1\n");
    } else if (strcmp(cmd, "hold") == 0) {
      printf("holding\n");
      fflush(stdout);
      pause();
    } else {
      printf("error usage unknown command %s\n", cmd);
    }
    fflush(stdout);
    sd_bus_message_unref(reply);
  }
  sd_bus_flush_close_unref(bus);
  return 0;
}
