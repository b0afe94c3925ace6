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
    } else {
      printf("error usage unknown command %s\n", cmd);
    }
  }
  g_dbus_connection_close_sync(connection, NULL, NULL);
  g_object_unref(connection);
  printf("done\n");
  return 0;
}
