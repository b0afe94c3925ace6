/* A GDBus client of org.vermilion1, written with GLib as a desktop program
 * would be: proxies, properties and signal subscriptions. Prints one line per
 * fact for the test to read:
 *
 *   vermilion-test-gdbus_bridge_client ADDRESS SERVICE
 *
 *   list N                      ListServices returned N services
 *   service NAME ACTIVE SUB PATH   one per service
 *   path PATH                   GetService(SERVICE)
 *   property ActiveState VALUE  read through a GDBusProxy's property cache
 *   stopped / started           Stop() / Start() on the service object replied
 *   changed ActiveState VALUE   a PropertiesChanged signal for the object
 *   state NAME ACTIVE SUB       a Manager.ServiceStateChanged signal
 *   error NAME                  StartService("no-such") failed with NAME
 *   timeout WHAT                a signal did not come within 10 s
 */
#include <gio/gio.h>
#include <stdio.h>
#include <string.h>

static GMainLoop *loop;
static const char *awaited_state;
static gboolean seen;

static void on_properties_changed(GDBusConnection *c, const gchar *sender, const gchar *path, const gchar *iface,
                                  const gchar *signal, GVariant *params, gpointer data) {
  (void)c, (void)sender, (void)path, (void)iface, (void)signal, (void)data;
  const gchar *interface = NULL;
  GVariant *changed = NULL;
  g_variant_get(params, "(&s@a{sv}as)", &interface, &changed, NULL);
  const gchar *active = NULL;
  if (g_variant_lookup(changed, "ActiveState", "&s", &active)) {
    printf("changed ActiveState %s\n", active);
    if (awaited_state && strcmp(active, awaited_state) == 0) {
      seen = TRUE;
      g_main_loop_quit(loop);
    }
  }
  g_variant_unref(changed);
}

static void on_state_changed(GDBusConnection *c, const gchar *sender, const gchar *path, const gchar *iface,
                             const gchar *signal, GVariant *params, gpointer data) {
  (void)c, (void)sender, (void)path, (void)iface, (void)signal, (void)data;
  const gchar *name, *active, *sub;
  g_variant_get(params, "(&s&s&s)", &name, &active, &sub);
  printf("state %s %s %s\n", name, active, sub);
}

static gboolean on_timeout(gpointer data) {
  (void)data;
  g_main_loop_quit(loop);
  return G_SOURCE_REMOVE;
}

/* Runs the loop until PropertiesChanged says ActiveState == state. */
static void await_state(const char *state) {
  awaited_state = state;
  seen = FALSE;
  guint timer = g_timeout_add_seconds(10, on_timeout, NULL);
  g_main_loop_run(loop);
  if (!seen) printf("timeout ActiveState %s\n", state);
  else g_source_remove(timer);
  awaited_state = NULL;
}

static GVariant *call(GDBusConnection *bus, const char *path, const char *iface, const char *method, GVariant *args,
                      GError **error) {
  return g_dbus_connection_call_sync(bus, "org.vermilion1", path, iface, method, args, NULL, G_DBUS_CALL_FLAGS_NONE,
                                     30000, NULL, error);
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s ADDRESS SERVICE\n", argv[0]);
    return 2;
  }
  setvbuf(stdout, NULL, _IOLBF, 0);
  GError *error = NULL;
  GDBusConnection *bus = g_dbus_connection_new_for_address_sync(
      argv[1], G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT | G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION, NULL,
      NULL, &error);
  if (!bus) {
    printf("error connect %s\n", error->message);
    return 1;
  }
  loop = g_main_loop_new(NULL, FALSE);

  GVariant *reply = call(bus, "/org/vermilion1", "org.vermilion1.Manager", "ListServices", NULL, &error);
  if (!reply) {
    printf("error %s\n", error->message);
    return 1;
  }
  GVariant *services = g_variant_get_child_value(reply, 0);
  printf("list %zu\n", g_variant_n_children(services));
  GVariantIter iter;
  const gchar *name, *description, *active, *sub, *object;
  g_variant_iter_init(&iter, services);
  while (g_variant_iter_next(&iter, "(&s&s&s&s&o)", &name, &description, &active, &sub, &object))
    printf("service %s %s %s %s\n", name, active, sub, object);
  g_variant_unref(services);
  g_variant_unref(reply);

  reply = call(bus, "/org/vermilion1", "org.vermilion1.Manager", "GetService", g_variant_new("(s)", argv[2]), &error);
  if (!reply) {
    printf("error %s\n", error->message);
    return 1;
  }
  gchar *path = NULL;
  g_variant_get(reply, "(o)", &path);
  g_variant_unref(reply);
  printf("path %s\n", path);

  GDBusProxy *proxy = g_dbus_proxy_new_sync(bus, G_DBUS_PROXY_FLAGS_NONE, NULL, "org.vermilion1", path,
                                            "org.vermilion1.Service", NULL, &error);
  if (!proxy) {
    printf("error %s\n", error->message);
    return 1;
  }
  GVariant *state = g_dbus_proxy_get_cached_property(proxy, "ActiveState");
  printf("property ActiveState %s\n", state ? g_variant_get_string(state, NULL) : "(none)");
  if (state) g_variant_unref(state);

  g_dbus_connection_signal_subscribe(bus, "org.vermilion1", "org.freedesktop.DBus.Properties", "PropertiesChanged",
                                     path, "org.vermilion1.Service", G_DBUS_SIGNAL_FLAGS_NONE, on_properties_changed,
                                     NULL, NULL);
  g_dbus_connection_signal_subscribe(bus, "org.vermilion1", "org.vermilion1.Manager", "ServiceStateChanged",
                                     "/org/vermilion1", NULL, G_DBUS_SIGNAL_FLAGS_NONE, on_state_changed, NULL, NULL);

  reply = g_dbus_proxy_call_sync(proxy, "Stop", NULL, G_DBUS_CALL_FLAGS_NONE, 30000, NULL, &error);
  if (!reply) {
    printf("error %s\n", error->message);
    return 1;
  }
  g_variant_unref(reply);
  printf("stopped\n");
  await_state("inactive");

  reply = g_dbus_proxy_call_sync(proxy, "Start", NULL, G_DBUS_CALL_FLAGS_NONE, 30000, NULL, &error);
  if (!reply) {
    printf("error %s\n", error->message);
    return 1;
  }
  g_variant_unref(reply);
  printf("started\n");
  await_state("active");

  reply = call(bus, "/org/vermilion1", "org.vermilion1.Manager", "StartService", g_variant_new("(s)", "no-such"),
               &error);
  if (reply) {
    printf("unexpected success\n");
    g_variant_unref(reply);
  } else {
    gchar *remote = g_dbus_error_get_remote_error(error);
    printf("error %s\n", remote ? remote : "(local)");
    g_free(remote);
    g_clear_error(&error);
  }
  g_free(path);
  g_object_unref(proxy);
  g_object_unref(bus);
  g_main_loop_unref(loop);
  return 0;
}
