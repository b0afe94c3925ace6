/* What KDE's SystemdGenie does with org.freedesktop.systemd1, replayed with
 * GDBus: Subscribe and listen to JobNew, JobRemoved, Reloading,
 * UnitFilesChanged and every PropertiesChanged from the manager; refresh with
 * ListUnits then ListUnitFiles (its UnitsFetchJob); ask GetUnitFileState;
 * act with Start/Stop/RestartUnit in mode "replace", and Enable/
 * DisableUnitFiles(files, false, true) followed by Reload, as its KAuth
 * helper does; after each action wait for the job's JobRemoved and the
 * unit's PropertiesChanged (the signals Genie refreshes on). Every wait is
 * the main loop with a deadline. Prints one line per fact:
 *
 *   vermilion-test-gdbus_genie ADDRESS UNIT PART...
 *
 * PART: units (ListUnits), files (ListUnitFiles, GetUnitFileState), jobs
 * (stop, start, restart), enablement (disable, enable); Subscribe always.
 * Genie's refresh is units then files; a test of what the bridge serves
 * today can leave files out.
 *
 *   subscribed
 *   listed N                       ListUnits returned N rows
 *   unit NAME LOAD ACTIVE SUB      the row of UNIT
 *   unit-files N                   ListUnitFiles returned N rows
 *   unit-file NAME STATE           the row whose path ends in /UNIT
 *   file-state STATE               GetUnitFileState(UNIT)
 *   job ACTION RESULT active=STATE new=yes|no properties=yes|no
 *                                  ACTION's job ended with RESULT (its
 *                                  JobRemoved); STATE is ActiveState read
 *                                  afterwards; new: its JobNew came first;
 *                                  properties: a PropertiesChanged of the
 *                                  unit said STATE
 *   restarted pid-changed=yes|no   MainPID before and after the restart
 *   enabled / disabled             Enable/DisableUnitFiles replied
 *   reloading false                Reloading(false) after Reload
 *   error WHAT NAME MESSAGE        a call failed
 *   timeout WHAT                   a signal did not come within 20 s
 *   done
 */
#include <gio/gio.h>
#include <stdio.h>
#include <string.h>

#define MANAGER_PATH "/org/freedesktop/systemd1"
#define MANAGER_IFACE "org.freedesktop.systemd1.Manager"
#define DESTINATION "org.freedesktop.systemd1"

static GDBusConnection *bus;
static GMainLoop *loop;
static const char *unit;
static char *unit_path;

/* What the signals said, since the last reset. */
static struct {
  char *job;               /* the job we wait for */
  gboolean job_new;        /* its JobNew came */
  char *job_result;        /* its JobRemoved's result */
  char *active_state;      /* the unit's last ActiveState in PropertiesChanged */
  const char *awaited;     /* the ActiveState the wait needs ("" : none) */
  gboolean reloaded;       /* Reloading(false) */
  gboolean want_reloaded;
} seen;

static void reset(void) {
  g_clear_pointer(&seen.job, g_free);
  g_clear_pointer(&seen.job_result, g_free);
  g_clear_pointer(&seen.active_state, g_free);
  seen.job_new = FALSE;
  seen.awaited = "";
  seen.reloaded = FALSE;
  seen.want_reloaded = FALSE;
}

static gboolean satisfied(void) {
  if (seen.want_reloaded) return seen.reloaded;
  if (!seen.job || !seen.job_result) return FALSE;
  return seen.awaited[0] == '\0' || (seen.active_state && strcmp(seen.active_state, seen.awaited) == 0);
}

static void check(void) {
  if (satisfied()) g_main_loop_quit(loop);
}

static void on_signal(GDBusConnection *c, const gchar *sender, const gchar *path, const gchar *iface,
                      const gchar *member, GVariant *params, gpointer data) {
  (void)c, (void)sender, (void)data;
  if (strcmp(iface, MANAGER_IFACE) == 0 && strcmp(member, "JobNew") == 0) {
    const gchar *job, *name;
    g_variant_get(params, "(u&o&s)", NULL, &job, &name);
    if (seen.job && strcmp(job, seen.job) == 0) seen.job_new = TRUE;
  } else if (strcmp(iface, MANAGER_IFACE) == 0 && strcmp(member, "JobRemoved") == 0) {
    const gchar *job, *name, *result;
    g_variant_get(params, "(u&o&s&s)", NULL, &job, &name, &result);
    if (seen.job && strcmp(job, seen.job) == 0 && !seen.job_result) seen.job_result = g_strdup(result);
  } else if (strcmp(iface, MANAGER_IFACE) == 0 && strcmp(member, "Reloading") == 0) {
    gboolean active;
    g_variant_get(params, "(b)", &active);
    if (!active) seen.reloaded = TRUE;
  } else if (strcmp(member, "PropertiesChanged") == 0 && strcmp(path, unit_path) == 0) {
    GVariant *changed = NULL;
    g_variant_get(params, "(&s@a{sv}@as)", NULL, &changed, NULL);
    const gchar *active = NULL;
    if (g_variant_lookup(changed, "ActiveState", "&s", &active)) {
      g_free(seen.active_state);
      seen.active_state = g_strdup(active);
    }
    g_variant_unref(changed);
  }
  check();
}

static gboolean on_deadline(gpointer data) {
  *(gboolean *)data = TRUE;
  g_main_loop_quit(loop);
  return G_SOURCE_REMOVE;
}

/* Runs the loop until satisfied() or 20 s; false on the deadline. Signals
 * that came with or before the reply are already queued in the context. */
static gboolean wait_signals(void) {
  gboolean expired = FALSE;
  guint timer = g_timeout_add_seconds(20, on_deadline, &expired);
  while (!satisfied() && !expired) g_main_loop_run(loop);
  if (!expired) g_source_remove(timer);
  return !expired;
}

static GVariant *call(const char *path, const char *iface, const char *method, GVariant *args, const char *what) {
  GError *error = NULL;
  GVariant *reply = g_dbus_connection_call_sync(bus, DESTINATION, path, iface, method, args, NULL,
                                                G_DBUS_CALL_FLAGS_NONE, 30000, NULL, &error);
  if (!reply) {
    gchar *name = g_dbus_error_get_remote_error(error);
    g_dbus_error_strip_remote_error(error);
    printf("error %s %s %s\n", what, name ? name : "local", error->message);
    g_free(name);
    g_error_free(error);
  }
  return reply;
}

static GVariant *manager(const char *method, GVariant *args) {
  return call(MANAGER_PATH, MANAGER_IFACE, method, args, method);
}

static char *get_string(const char *iface, const char *property) {
  GVariant *reply = call(unit_path, "org.freedesktop.DBus.Properties", "Get", g_variant_new("(ss)", iface, property),
                         property);
  if (!reply) return g_strdup("?");
  GVariant *value = NULL;
  g_variant_get(reply, "(v)", &value);
  char *text = g_variant_is_of_type(value, G_VARIANT_TYPE_STRING) ? g_variant_dup_string(value, NULL)
                                                                   : g_variant_print(value, FALSE);
  g_variant_unref(value);
  g_variant_unref(reply);
  return text;
}

static guint32 main_pid(void) {
  GVariant *reply = call(unit_path, "org.freedesktop.DBus.Properties", "Get",
                         g_variant_new("(ss)", "org.freedesktop.systemd1.Service", "MainPID"), "MainPID");
  guint32 pid = 0;
  if (reply) {
    GVariant *value = NULL;
    g_variant_get(reply, "(v)", &value);
    if (g_variant_is_of_type(value, G_VARIANT_TYPE_UINT32)) pid = g_variant_get_uint32(value);
    g_variant_unref(value);
    g_variant_unref(reply);
  }
  return pid;
}

static gboolean want_units, want_files;

static void refresh(void) {
  GVariant *units = want_units ? manager("ListUnits", NULL) : NULL;
  if (units) {
    GVariantIter *rows = NULL;
    g_variant_get(units, "(a(ssssssouso))", &rows);
    printf("listed %zu\n", g_variant_iter_n_children(rows));
    const gchar *name, *load, *active, *sub;
    while (g_variant_iter_loop(rows, "(&s&s&s&s&s&s&ou&s&o)", &name, NULL, &load, &active, &sub, NULL, NULL, NULL,
                               NULL, NULL))
      if (strcmp(name, unit) == 0) printf("unit %s %s %s %s\n", name, load, active, sub);
    g_variant_iter_free(rows);
    g_variant_unref(units);
  }
  GVariant *files = want_files ? manager("ListUnitFiles", NULL) : NULL;
  if (files) {
    GVariantIter *rows = NULL;
    g_variant_get(files, "(a(ss))", &rows);
    printf("unit-files %zu\n", g_variant_iter_n_children(rows));
    const gchar *path, *state;
    while (g_variant_iter_loop(rows, "(&s&s)", &path, &state)) {
      const char *base = strrchr(path, '/');
      if (base && strcmp(base + 1, unit) == 0) printf("unit-file %s %s\n", base + 1, state);
    }
    g_variant_iter_free(rows);
    g_variant_unref(files);
  }
}

/* One action as Genie's helper makes it, then what the signals said. */
static void act(const char *method, const char *action, const char *expected) {
  reset();
  GVariant *reply = manager(method, g_variant_new("(ss)", unit, "replace"));
  if (!reply) return;
  g_variant_get(reply, "(o)", &seen.job);
  g_variant_unref(reply);
  seen.awaited = expected;
  if (!wait_signals()) {
    printf("timeout %s job=%s result=%s active=%s\n", action, seen.job, seen.job_result ? seen.job_result : "-",
           seen.active_state ? seen.active_state : "-");
    return;
  }
  char *active = get_string("org.freedesktop.systemd1.Unit", "ActiveState");
  printf("job %s %s active=%s new=%s properties=%s\n", action, seen.job_result, active, seen.job_new ? "yes" : "no",
         seen.active_state && strcmp(seen.active_state, expected) == 0 ? "yes" : "no");
  g_free(active);
  refresh();  // Genie refreshes its list on JobRemoved
}

static void unit_files(const char *method, const char *done) {
  const char *names[] = {unit, NULL};
  GVariant *args = strcmp(method, "EnableUnitFiles") == 0
                       ? g_variant_new("(^asbb)", names, FALSE, TRUE)
                       : g_variant_new("(^asb)", names, FALSE);
  GVariant *reply = manager(method, args);
  if (!reply) return;
  g_variant_unref(reply);
  printf("%s\n", done);
  // The helper reloads so that properties show the new state.
  reset();
  seen.want_reloaded = TRUE;
  GVariant *reloaded = manager("Reload", NULL);
  if (!reloaded) return;
  g_variant_unref(reloaded);
  if (wait_signals()) printf("reloading false\n");
  else printf("timeout Reloading\n");
  GVariant *state = manager("GetUnitFileState", g_variant_new("(s)", unit));
  if (state) {
    const gchar *text;
    g_variant_get(state, "(&s)", &text);
    printf("file-state %s\n", text);
    g_variant_unref(state);
  }
}

int main(int argc, char **argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: %s ADDRESS UNIT PART...\n", argv[0]);
    return 2;
  }
  gboolean want_jobs = FALSE, want_enablement = FALSE;
  for (int i = 3; i < argc; ++i) {
    if (strcmp(argv[i], "units") == 0) want_units = TRUE;
    else if (strcmp(argv[i], "files") == 0) want_files = TRUE;
    else if (strcmp(argv[i], "jobs") == 0) want_jobs = TRUE;
    else if (strcmp(argv[i], "enablement") == 0) want_enablement = TRUE;
    else {
      fprintf(stderr, "unknown part %s\n", argv[i]);
      return 2;
    }
  }
  setvbuf(stdout, NULL, _IOLBF, 0);
  unit = argv[2];
  GError *error = NULL;
  bus = g_dbus_connection_new_for_address_sync(
      argv[1], G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT | G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION, NULL,
      NULL, &error);
  if (!bus) {
    printf("error connect local %s\n", error->message);
    return 1;
  }
  loop = g_main_loop_new(NULL, FALSE);
  reset();

  GVariant *path = manager("LoadUnit", g_variant_new("(s)", unit));
  if (!path) return 1;
  g_variant_get(path, "(o)", &unit_path);
  g_variant_unref(path);

  // As Genie connects: the manager's signals, and PropertiesChanged of any
  // object of the name.
  const char *members[] = {"JobNew", "JobRemoved", "Reloading", "UnitFilesChanged"};
  for (size_t i = 0; i < G_N_ELEMENTS(members); ++i)
    g_dbus_connection_signal_subscribe(bus, DESTINATION, MANAGER_IFACE, members[i], MANAGER_PATH, NULL,
                                       G_DBUS_SIGNAL_FLAGS_NONE, on_signal, NULL, NULL);
  g_dbus_connection_signal_subscribe(bus, DESTINATION, "org.freedesktop.DBus.Properties", "PropertiesChanged", NULL,
                                     NULL, G_DBUS_SIGNAL_FLAGS_NONE, on_signal, NULL, NULL);
  GVariant *subscribed = manager("Subscribe", NULL);
  if (subscribed) {
    printf("subscribed\n");
    g_variant_unref(subscribed);
  }

  refresh();
  if (want_files) {
    GVariant *state = manager("GetUnitFileState", g_variant_new("(s)", unit));
    if (state) {
      const gchar *text;
      g_variant_get(state, "(&s)", &text);
      printf("file-state %s\n", text);
      g_variant_unref(state);
    }
  }

  if (want_jobs) {
    act("StopUnit", "stop", "inactive");
    act("StartUnit", "start", "active");
    guint32 before = main_pid();
    act("RestartUnit", "restart", "active");
    guint32 after = main_pid();
    printf("restarted pid-changed=%s\n", before != 0 && after != 0 && before != after ? "yes" : "no");
  }

  if (want_enablement) {
    unit_files("DisableUnitFiles", "disabled");
    unit_files("EnableUnitFiles", "enabled");
  }

  printf("done\n");
  g_main_loop_unref(loop);
  g_object_unref(bus);
  return 0;
}
