/* A client of a (private) message bus, for the bus policy tests: either side
 * of a call to org.vermilion1, run as whichever user the test chooses
 * (tests/support/run_as.h). It connects to ADDRESS, then runs the commands
 * given after it, in order, printing one line per result to stdout:
 *
 *   vermilion-test-bus_peer ADDRESS COMMAND...
 *
 *   unique       -> "unique :1.N" (its own unique name)
 *   own NAME     -> RequestName(NAME, DO_NOT_QUEUE): "owned NAME", or
 *                   "not-owned NAME REPLY" for a reply other than primary owner
 *   serve        -> exports /org/vermilion1 (interface org.vermilion1.Test:
 *                   WhoAmI() -> s, Emit(), read-only property Owner s; and an
 *                   ObjectManager), prints "serving" and answers calls until
 *                   killed; each WhoAmI also prints "caller TEXT"
 *   whoami DEST  -> calls DEST's WhoAmI: "whoami TEXT"
 *   emit DEST    -> subscribes to DEST's Pinged signal, calls Emit and waits
 *                   for the signal: "signal Pinged"
 *   setgroups G,G -> (root) replaces its supplementary groups, after it
 *                   connected: "groups G,G"
 *
 * WhoAmI's TEXT is what the owner learns about the caller, two ways:
 *   "dbus KEY=VALUE..." straight from GetConnectionCredentials (lists are
 *   comma separated), then " | sd-bus uid=U euid=U gid=G egid=G groups=G,G
 *   pid=P mask=0xM augmented=0xA" from sd_bus_query_sender_creds(), where
 *   "?" marks a field sd-bus could not give, mask the fields it has and
 *   augmented those it read from /proc instead of from the bus; then the
 *   same with SD_BUS_CREDS_AUGMENT (what sdbus-c++'s Message::getCreds*()
 *   ask for) as " | sd-bus+augment ...".
 * Errors print "error NAME MESSAGE" and exit 1.
 */
#include <errno.h>
#include <grp.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-bus.h>
#include <time.h>

static sd_bus *bus;

static void fail(const char *what, const sd_bus_error *e, int r) {
  if (e && sd_bus_error_is_set(e))
    printf("error %s %s\n", e->name, e->message ? e->message : "");
  else
    printf("error %s %s\n", what, strerror(-r));
  exit(1);
}

/* Appends printf-style text to a fixed buffer (truncating, never overflowing). */
static void append(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void append(char *buf, size_t size, const char *fmt, ...) {
  size_t used = strlen(buf);
  if (used + 1 >= size) return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf + used, size - used, fmt, ap);
  va_end(ap);
}

/* "dbus KEY=VALUE ..." from GetConnectionCredentials(sender). */
static void describe_dbus_creds(const char *sender, char *out, size_t size) {
  sd_bus_error e = SD_BUS_ERROR_NULL;
  sd_bus_message *reply = NULL;
  int r = sd_bus_call_method(bus, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                             "GetConnectionCredentials", &e, &reply, "s", sender);
  if (r < 0) {
    append(out, size, "dbus error=%s", e.name);
    sd_bus_error_free(&e);
    return;
  }
  append(out, size, "dbus");
  r = sd_bus_message_enter_container(reply, 'a', "{sv}");
  while (r >= 0 && (r = sd_bus_message_enter_container(reply, 'e', "sv")) > 0) {
    const char *key;
    const char *type;
    sd_bus_message_read(reply, "s", &key);
    sd_bus_message_peek_type(reply, NULL, &type);
    append(out, size, " %s=", key);
    sd_bus_message_enter_container(reply, 'v', type);
    if (strcmp(type, "u") == 0) {
      uint32_t u;
      sd_bus_message_read(reply, "u", &u);
      append(out, size, "%" PRIu32, u);
    } else if (strcmp(type, "au") == 0) {
      uint32_t u;
      int first = 1;
      sd_bus_message_enter_container(reply, 'a', "u");
      while (sd_bus_message_read(reply, "u", &u) > 0) {
        append(out, size, "%s%" PRIu32, first ? "" : ",", u);
        first = 0;
      }
      sd_bus_message_exit_container(reply);
    } else if (strcmp(type, "s") == 0) {
      const char *s;
      sd_bus_message_read(reply, "s", &s);
      append(out, size, "%s", s);
    } else {
      append(out, size, "(%s)", type);
      sd_bus_message_skip(reply, type);
    }
    sd_bus_message_exit_container(reply); /* v */
    sd_bus_message_exit_container(reply); /* e */
  }
  sd_bus_message_unref(reply);
}

/* " | LABEL ..." from sd_bus_query_sender_creds(m, ... | extra). */
static void describe_sdbus_creds(sd_bus_message *m, uint64_t extra, const char *label, char *out, size_t size) {
  sd_bus_creds *c = NULL;
  uint64_t want = SD_BUS_CREDS_UID | SD_BUS_CREDS_EUID | SD_BUS_CREDS_GID | SD_BUS_CREDS_EGID |
                  SD_BUS_CREDS_SUPPLEMENTARY_GIDS | SD_BUS_CREDS_PID | extra;
  int r = sd_bus_query_sender_creds(m, want, &c);
  if (r < 0) {
    append(out, size, " | %s error=%s", label, strerror(-r));
    return;
  }
  uid_t uid;
  gid_t gid;
  pid_t pid;
  const gid_t *gids;
  append(out, size, " | %s", label);
  if (sd_bus_creds_get_uid(c, &uid) >= 0) append(out, size, " uid=%u", (unsigned)uid); else append(out, size, " uid=?");
  if (sd_bus_creds_get_euid(c, &uid) >= 0) append(out, size, " euid=%u", (unsigned)uid); else append(out, size, " euid=?");
  if (sd_bus_creds_get_gid(c, &gid) >= 0) append(out, size, " gid=%u", (unsigned)gid); else append(out, size, " gid=?");
  if (sd_bus_creds_get_egid(c, &gid) >= 0) append(out, size, " egid=%u", (unsigned)gid); else append(out, size, " egid=?");
  int n = sd_bus_creds_get_supplementary_gids(c, &gids);
  if (n >= 0) {
    append(out, size, " groups=");
    for (int i = 0; i < n; i++) append(out, size, "%s%u", i ? "," : "", (unsigned)gids[i]);
  } else {
    append(out, size, " groups=?");
  }
  if (sd_bus_creds_get_pid(c, &pid) >= 0) append(out, size, " pid=%d", (int)pid); else append(out, size, " pid=?");
  append(out, size, " mask=0x%" PRIx64 " augmented=0x%" PRIx64, sd_bus_creds_get_mask(c),
         sd_bus_creds_get_augmented_mask(c));
  sd_bus_creds_unref(c);
}

static int on_whoami(sd_bus_message *m, void *userdata, sd_bus_error *e) {
  (void)userdata;
  (void)e;
  char text[1024] = "";
  describe_dbus_creds(sd_bus_message_get_sender(m), text, sizeof text);
  describe_sdbus_creds(m, 0, "sd-bus", text, sizeof text);
  describe_sdbus_creds(m, SD_BUS_CREDS_AUGMENT, "sd-bus+augment", text, sizeof text);
  printf("caller %s\n", text);
  return sd_bus_reply_method_return(m, "s", text);
}

static int on_emit(sd_bus_message *m, void *userdata, sd_bus_error *e) {
  (void)userdata;
  (void)e;
  int r = sd_bus_emit_signal(bus, "/org/vermilion1", "org.vermilion1.Test", "Pinged", "");
  if (r < 0) return r;
  return sd_bus_reply_method_return(m, "");
}

static int get_owner(sd_bus *b, const char *path, const char *interface, const char *property,
                     sd_bus_message *reply, void *userdata, sd_bus_error *e) {
  (void)path;
  (void)interface;
  (void)property;
  (void)userdata;
  (void)e;
  const char *unique;
  sd_bus_get_unique_name(b, &unique);
  return sd_bus_message_append(reply, "s", unique);
}

/* Unprivileged, or sd-bus itself would demand CAP_SYS_ADMIN of callers. */
static const sd_bus_vtable test_vtable[] = {
    SD_BUS_VTABLE_START(0),
    SD_BUS_METHOD("WhoAmI", "", "s", on_whoami, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_METHOD("Emit", "", "", on_emit, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_SIGNAL("Pinged", "", 0),
    SD_BUS_PROPERTY("Owner", "s", get_owner, 0, SD_BUS_VTABLE_PROPERTY_CONST),
    SD_BUS_VTABLE_END,
};

static void serve(void) {
  int r = sd_bus_add_object_vtable(bus, NULL, "/org/vermilion1", "org.vermilion1.Test", test_vtable, NULL);
  if (r < 0) fail("sd_bus_add_object_vtable", NULL, r);
  r = sd_bus_add_object_manager(bus, NULL, "/org/vermilion1");
  if (r < 0) fail("sd_bus_add_object_manager", NULL, r);
  printf("serving\n");
  for (;;) {
    r = sd_bus_process(bus, NULL);
    if (r < 0) fail("sd_bus_process", NULL, r);
    if (r > 0) continue;
    r = sd_bus_wait(bus, UINT64_MAX);
    if (r < 0) fail("sd_bus_wait", NULL, r);
  }
}

static void own(const char *name) {
  sd_bus_error e = SD_BUS_ERROR_NULL;
  sd_bus_message *reply = NULL;
  int r = sd_bus_call_method(bus, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                             "RequestName", &e, &reply, "su", name, (uint32_t)4 /* DO_NOT_QUEUE */);
  if (r < 0) fail("RequestName", &e, r);
  uint32_t result = 0;
  sd_bus_message_read(reply, "u", &result);
  sd_bus_message_unref(reply);
  if (result == 1) printf("owned %s\n", name);
  else printf("not-owned %s %" PRIu32 "\n", name, result);
}

static void whoami(const char *dest) {
  sd_bus_error e = SD_BUS_ERROR_NULL;
  sd_bus_message *reply = NULL;
  int r = sd_bus_call_method(bus, dest, "/org/vermilion1", "org.vermilion1.Test", "WhoAmI", &e, &reply, "");
  if (r < 0) fail("WhoAmI", &e, r);
  const char *text;
  sd_bus_message_read(reply, "s", &text);
  printf("whoami %s\n", text);
  sd_bus_message_unref(reply);
}

static int pinged;
static int on_pinged(sd_bus_message *m, void *userdata, sd_bus_error *e) {
  (void)m;
  (void)userdata;
  (void)e;
  pinged = 1;
  return 0;
}

static uint64_t now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static void emit(const char *dest) {
  /* sd_bus_match_signal waits for AddMatch's reply: subscribed before Emit. */
  int r = sd_bus_match_signal(bus, NULL, dest, "/org/vermilion1", "org.vermilion1.Test", "Pinged", on_pinged, NULL);
  if (r < 0) fail("AddMatch", NULL, r);
  sd_bus_error e = SD_BUS_ERROR_NULL;
  r = sd_bus_call_method(bus, dest, "/org/vermilion1", "org.vermilion1.Test", "Emit", &e, NULL, "");
  if (r < 0) fail("Emit", &e, r);
  uint64_t deadline = now_us() + 20 * 1000000u;
  while (!pinged) {
    r = sd_bus_process(bus, NULL);
    if (r < 0) fail("sd_bus_process", NULL, r);
    if (r > 0) continue;
    uint64_t now = now_us();
    if (now >= deadline) {
      printf("error timeout no Pinged signal\n");
      exit(1);
    }
    r = sd_bus_wait(bus, deadline - now);
    if (r < 0) fail("sd_bus_wait", NULL, r);
  }
  printf("signal Pinged\n");
}

static void set_groups(const char *list) {
  gid_t groups[64];
  size_t n = 0;
  char *copy = strdup(list);
  for (char *tok = strtok(copy, ","); tok && n < 64; tok = strtok(NULL, ",")) groups[n++] = (gid_t)strtoul(tok, NULL, 10);
  free(copy);
  if (setgroups(n, groups) < 0) {
    printf("error setgroups %s\n", strerror(errno));
    exit(1);
  }
  printf("groups %s\n", list);
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  if (argc < 3) {
    fprintf(stderr, "usage: %s ADDRESS COMMAND...\n", argv[0]);
    return 2;
  }
  int r = sd_bus_new(&bus);
  if (r >= 0) r = sd_bus_set_address(bus, argv[1]);
  if (r >= 0) r = sd_bus_set_bus_client(bus, 1);
  if (r >= 0) r = sd_bus_start(bus);
  /* sd_bus_start() only begins: the unique name waits for Hello's reply,
   * which a bus that refuses this user never sends. */
  const char *unique = NULL;
  if (r >= 0) r = sd_bus_get_unique_name(bus, &unique);
  if (r < 0) fail("connect", NULL, r);
  for (int i = 2; i < argc; i++) {
    const char *cmd = argv[i];
    const char *arg = i + 1 < argc ? argv[i + 1] : NULL;
    if (strcmp(cmd, "unique") == 0) {
      printf("unique %s\n", unique);
    } else if (strcmp(cmd, "serve") == 0) {
      serve();
    } else if (arg && strcmp(cmd, "own") == 0) {
      own(arg);
      i++;
    } else if (arg && strcmp(cmd, "whoami") == 0) {
      whoami(arg);
      i++;
    } else if (arg && strcmp(cmd, "setgroups") == 0) {
      set_groups(arg);
      i++;
    } else if (arg && strcmp(cmd, "emit") == 0) {
      emit(arg);
      i++;
    } else {
      fprintf(stderr, "unknown command or missing argument: %s\n", cmd);
      return 2;
    }
  }
  sd_bus_flush_close_unref(bus);
  return 0;
}
