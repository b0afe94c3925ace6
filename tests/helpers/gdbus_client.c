/* A service that talks to vermiliond over its private link with GDBus
 * (GLib), to show that the link is plain peer-to-peer D-Bus that a library
 * other than sd-bus can speak. It builds a GDBusConnection on the inherited
 * fd (VERMILION_BROKER_FD) as a client, without the message-bus flag (no
 * Hello, no bus names), then runs the commands given as arguments, in order,
 * printing one line per result to stdout (the supervisor captures it, so
 * tests read results from the service's log):
 *
 *   (always first)     -> "connected fd-passing=yes|no"
 *   list               -> "cap SLOT KIND OBJECT [RIGHTS] BADGE PATH" per slot, then "listed N"
 *   status SLOT NAME   -> "status ACTIVE SUB RESULT PID DESCRIPTION"
 *   rights SLOT        -> "rights SLOT [RIGHTS]" (Properties.Get on org.vermilion1.Capability)
 *   compare XML SLOT...-> introspects the link's root and the given slots and compares every
 *                         org.vermilion1.* interface found there with the one of the same name in
 *                         the file XML (methods, signals, properties, argument types), both ways:
 *                         "mismatch WHAT" per difference, then "compared N interfaces", and
 *                         "unserved INTERFACE" for each interface of the file no object had
 * Errors print "error NAME MESSAGE" and go on with the next command.
 *
 * GLib is used by tests only; vermiliond never links it.
 */
#include <gio/gio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void report_error(GError *error) {
  gchar *remote = g_dbus_error_get_remote_error(error);
  if (remote) g_dbus_error_strip_remote_error(error);
  printf("error %s %s\n", remote ? remote : g_quark_to_string(error->domain), error->message);
  g_free(remote);
  g_error_free(error);
}

static void path_of(char *out, size_t n, const char *slot) {
  snprintf(out, n, "/org/vermilion1/link/cap/%s", slot);
}

static void list(GDBusConnection *connection) {
  GError *error = NULL;
  GVariant *reply = g_dbus_connection_call_sync(connection, NULL, "/org/vermilion1/link", "org.vermilion1.Link",
                                                "ListCapabilities", NULL, G_VARIANT_TYPE("(a(usssto))"),
                                                G_DBUS_CALL_FLAGS_NONE, 30000, NULL, &error);
  if (!reply) {
    report_error(error);
    return;
  }
  GVariantIter *iter = NULL;
  guint32 slot;
  const gchar *kind, *object, *rights, *path;
  guint64 badge;
  int n = 0;
  g_variant_get(reply, "(a(usssto))", &iter);
  while (g_variant_iter_next(iter, "(u&s&s&st&o)", &slot, &kind, &object, &rights, &badge, &path)) {
    printf("cap %u %s %s [%s] %llu %s\n", slot, kind, object, rights, (unsigned long long)badge, path);
    ++n;
  }
  g_variant_iter_free(iter);
  g_variant_unref(reply);
  printf("listed %d\n", n);
}

static void status(GDBusConnection *connection, const char *slot, const char *name) {
  char path[128];
  GError *error = NULL;
  path_of(path, sizeof path, slot);
  GVariant *reply = g_dbus_connection_call_sync(connection, NULL, path, "org.vermilion1.ServiceCapability", "Status",
                                                g_variant_new("(s)", name), G_VARIANT_TYPE("(sssuuis)"),
                                                G_DBUS_CALL_FLAGS_NONE, 30000, NULL, &error);
  if (!reply) {
    report_error(error);
    return;
  }
  const gchar *active, *sub, *result, *description;
  guint32 pid, restarts;
  gint32 exit_status;
  g_variant_get(reply, "(&s&s&suui&s)", &active, &sub, &result, &pid, &restarts, &exit_status, &description);
  printf("status %s %s %s %u %s\n", active, sub, result, pid, description);
  g_variant_unref(reply);
}

static void rights(GDBusConnection *connection, const char *slot) {
  char path[128];
  GError *error = NULL;
  path_of(path, sizeof path, slot);
  GVariant *reply = g_dbus_connection_call_sync(
      connection, NULL, path, "org.freedesktop.DBus.Properties", "Get",
      g_variant_new("(ss)", "org.vermilion1.Capability", "Rights"), G_VARIANT_TYPE("(v)"),
      G_DBUS_CALL_FLAGS_NONE, 30000, NULL, &error);
  if (!reply) {
    report_error(error);
    return;
  }
  GVariant *value = NULL;
  g_variant_get(reply, "(v)", &value);
  if (g_variant_is_of_type(value, G_VARIANT_TYPE_STRING))
    printf("rights %s [%s]\n", slot, g_variant_get_string(value, NULL));
  else
    printf("error type Rights is %s\n", g_variant_get_type_string(value));
  g_variant_unref(value);
  g_variant_unref(reply);
}

/* "in:SIG out:SIG" of a method, "SIG" of a signal. */
static gchar *signature_of(GDBusArgInfo **args) {
  GString *out = g_string_new("");
  for (GDBusArgInfo **a = args; a && *a; ++a) g_string_append(out, (*a)->signature);
  return g_string_free(out, FALSE);
}

static GDBusInterfaceInfo *find_interface(GDBusNodeInfo *node, const char *name) {
  for (GDBusInterfaceInfo **i = node->interfaces; i && *i; ++i)
    if (strcmp((*i)->name, name) == 0) return *i;
  for (GDBusNodeInfo **n = node->nodes; n && *n; ++n) {
    GDBusInterfaceInfo *found = find_interface(*n, name);
    if (found) return found;
  }
  return NULL;
}

/* Every member of `a` is in `b` with the same types; `what` says which side is which. */
static int compare_members(GDBusInterfaceInfo *a, GDBusInterfaceInfo *b, const char *what) {
  int mismatches = 0;
  for (GDBusMethodInfo **m = a->methods; m && *m; ++m) {
    GDBusMethodInfo *other = g_dbus_interface_info_lookup_method(b, (*m)->name);
    gchar *in = signature_of((*m)->in_args), *out = signature_of((*m)->out_args);
    gchar *other_in = other ? signature_of(other->in_args) : NULL;
    gchar *other_out = other ? signature_of(other->out_args) : NULL;
    if (!other || strcmp(in, other_in) != 0 || strcmp(out, other_out) != 0) {
      printf("mismatch %s method %s.%s (%s)->(%s)\n", what, a->name, (*m)->name, in, out);
      ++mismatches;
    }
    g_free(in), g_free(out), g_free(other_in), g_free(other_out);
  }
  for (GDBusSignalInfo **sig = a->signals; sig && *sig; ++sig) {
    GDBusSignalInfo *other = g_dbus_interface_info_lookup_signal(b, (*sig)->name);
    gchar *args = signature_of((*sig)->args), *other_args = other ? signature_of(other->args) : NULL;
    if (!other || strcmp(args, other_args) != 0) {
      printf("mismatch %s signal %s.%s (%s)\n", what, a->name, (*sig)->name, args);
      ++mismatches;
    }
    g_free(args), g_free(other_args);
  }
  for (GDBusPropertyInfo **p = a->properties; p && *p; ++p) {
    GDBusPropertyInfo *other = g_dbus_interface_info_lookup_property(b, (*p)->name);
    if (!other || strcmp((*p)->signature, other->signature) != 0) {
      printf("mismatch %s property %s.%s %s\n", what, a->name, (*p)->name, (*p)->signature);
      ++mismatches;
    }
  }
  return mismatches;
}

static void compare(GDBusConnection *connection, const char *xml_path, char **slots, int n_slots) {
  gchar *xml = NULL;
  GError *error = NULL;
  if (!g_file_get_contents(xml_path, &xml, NULL, &error)) {
    report_error(error);
    return;
  }
  GDBusNodeInfo *file = g_dbus_node_info_new_for_xml(xml, &error);
  g_free(xml);
  if (!file) {
    report_error(error);
    return;
  }
  GHashTable *served = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  int compared = 0;
  for (int k = -1; k < n_slots; ++k) {
    char path[128];
    if (k < 0)
      snprintf(path, sizeof path, "/org/vermilion1/link");
    else
      path_of(path, sizeof path, slots[k]);
    GVariant *reply = g_dbus_connection_call_sync(connection, NULL, path, "org.freedesktop.DBus.Introspectable",
                                                  "Introspect", NULL, G_VARIANT_TYPE("(s)"),
                                                  G_DBUS_CALL_FLAGS_NONE, 30000, NULL, &error);
    if (!reply) {
      report_error(error);
      error = NULL;
      continue;
    }
    const gchar *live_xml = NULL;
    g_variant_get(reply, "(&s)", &live_xml);
    GDBusNodeInfo *live = g_dbus_node_info_new_for_xml(live_xml, &error);
    g_variant_unref(reply);
    if (!live) {
      report_error(error);
      error = NULL;
      continue;
    }
    for (GDBusInterfaceInfo **i = live->interfaces; i && *i; ++i) {
      if (!g_str_has_prefix((*i)->name, "org.vermilion1.")) continue;
      if (g_hash_table_contains(served, (*i)->name)) continue;
      g_hash_table_add(served, g_strdup((*i)->name));
      GDBusInterfaceInfo *documented = find_interface(file, (*i)->name);
      if (!documented) {
        printf("mismatch undocumented interface %s\n", (*i)->name);
        continue;
      }
      compare_members(*i, documented, "served-not-documented");
      compare_members(documented, *i, "documented-not-served");
      ++compared;
    }
    g_dbus_node_info_unref(live);
  }
  printf("compared %d interfaces\n", compared);
  /* Interfaces the file documents that no object served. */
  GPtrArray *todo = g_ptr_array_new();
  g_ptr_array_add(todo, file);
  while (todo->len > 0) {
    GDBusNodeInfo *node = g_ptr_array_remove_index(todo, todo->len - 1);
    for (GDBusInterfaceInfo **i = node->interfaces; i && *i; ++i)
      if (!g_hash_table_contains(served, (*i)->name)) printf("unserved %s\n", (*i)->name);
    for (GDBusNodeInfo **n = node->nodes; n && *n; ++n) g_ptr_array_add(todo, *n);
  }
  g_ptr_array_free(todo, TRUE);
  g_hash_table_destroy(served);
  g_dbus_node_info_unref(file);
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  const char *fd_text = getenv("VERMILION_BROKER_FD");
  if (!fd_text) {
    printf("error no-link VERMILION_BROKER_FD is not set\n");
    return 0;
  }
  GError *error = NULL;
  GSocket *socket = g_socket_new_from_fd(atoi(fd_text), &error);
  if (!socket) {
    report_error(error);
    return 1;
  }
  /* An AF_UNIX stream socket: the factory makes a GUnixConnection, which
   * GDBus needs to pass fds (and uses to send credentials during auth). */
  GSocketConnection *stream = g_socket_connection_factory_create_connection(socket);
  g_object_unref(socket);
  /* A peer-to-peer client: AUTHENTICATION_CLIENT, and no
   * MESSAGE_BUS_CONNECTION (that would send Hello, which the link does not
   * answer). The server's GUID is not checked (NULL). */
  GDBusConnection *connection =
      g_dbus_connection_new_sync(G_IO_STREAM(stream), NULL, G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT, NULL,
                                 NULL, &error);
  g_object_unref(stream);
  if (!connection) {
    printf("error connect ");
    report_error(error);
    return 1;
  }
  GDBusCapabilityFlags caps = g_dbus_connection_get_capabilities(connection);
  printf("connected fd-passing=%s\n", (caps & G_DBUS_CAPABILITY_FLAGS_UNIX_FD_PASSING) ? "yes" : "no");

  for (int i = 1; i < argc; ++i) {
    const char *cmd = argv[i];
    if (strcmp(cmd, "list") == 0) {
      list(connection);
    } else if (strcmp(cmd, "status") == 0 && i + 2 < argc) {
      status(connection, argv[i + 1], argv[i + 2]);
      i += 2;
    } else if (strcmp(cmd, "rights") == 0 && i + 1 < argc) {
      rights(connection, argv[++i]);
    } else if (strcmp(cmd, "compare") == 0 && i + 1 < argc) {
      compare(connection, argv[i + 1], argv + i + 2, argc - i - 2);
      break; /* the slots are the rest of the arguments */
    } else {
      printf("error usage unknown command %s\n", cmd);
    }
  }
  g_dbus_connection_close_sync(connection, NULL, NULL);
  g_object_unref(connection);
  printf("done\n");
  return 0;
}
