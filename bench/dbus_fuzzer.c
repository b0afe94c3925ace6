/* A D-Bus fuzzer in the spirit of dfuzzer (which Debian 12 lacks).
 *
 *   vermilion-dbus-fuzzer --address ADDRESS [--name NAME] [--root PATH]
 *                         [--iterations N] [--seed S] [--timeout-ms MS]
 *                         [--skip-path PATH]...
 *
 * Introspects NAME (default org.vermilion1) from PATH (default
 * /org/vermilion1) down, following every child node, and collects every
 * method of every interface there (the standard ones included: Properties,
 * Introspectable, Peer, ObjectManager). Then, N times, calls every method
 * with arguments generated from its input signature: random values and
 * boundary ones (0, -1, the type's min and max, NaN; empty, 64 KiB,
 * control-character and non-ASCII strings; odd and deep object paths;
 * empty and long arrays; variants nested up to 24 deep), each call with a
 * timeout. Methods on a --skip-path object are not called (the driver skips
 * the bridge's own service object when it runs as root, so that a Stop or
 * Kill there does not count as a crash).
 *
 * Prints one line per result kind, then the summary the soak driver reads:
 *   fuzz: methods=M calls=C replies=R errors=E hangs=H lost=L
 * hangs: calls with no answer within the timeout; lost: the name lost its
 * owner (the service crashed). A connection dbus-daemon closes (it drops a
 * client whose message it refuses) is an error, and the fuzzer reconnects. Exit status 0 when
 * hangs and lost are 0, 1 otherwise, 2 on bad usage or introspection failure.
 */
#include <gio/gio.h>
#include <gio/gunixfdlist.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct {
  char *path, *interface, *method;
  GVariantType *in; /* tuple of the input arguments */
} Method;

static GRand *rng;

static const char *const kStrings[] = {
    "", "a", "sleeper", "sleeper.service", "vermilion1", "*", "*.service", "..", "../../etc/passwd",
    "a@b.service", "@.service", "-", " ", "\t\n\r", "\x01\x02\x1f\x7f", "%n%s%x", "$HOME", "${X}",
    "caf\xc3\xa9", "\xe2\x80\xae" "ecivres", "\xef\xbf\xbf", "\xf0\x9f\x92\xa9", "org.vermilion1",
    ":1.0", "org.freedesktop.DBus", "\\x2e", "_2e", "a.service.service"};
static const char *const kPaths[] = {"/", "/org", "/org/vermilion1", "/org/vermilion1/service",
                                     "/org/vermilion1/service/_", "/org/vermilion1/service/sleeper_2eservice",
                                     "/a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/q/r/s/t/u/v/w/x/y/z", "/_/_/_", "/0"};
static const char *const kSignatures[] = {"", "s", "a{sv}", "(((((((((i)))))))))", "aaaaaaay", "v", "h", "a(ussst)"};

static GVariant *generate(const GVariantType *type, int depth);

static char *random_string(void) {
  switch (g_rand_int_range(rng, 0, 5)) {
    case 0:
      return g_strdup(kStrings[g_rand_int_range(rng, 0, G_N_ELEMENTS(kStrings))]);
    case 1: { /* huge */
      gsize n = (gsize)g_rand_int_range(rng, 1024, 65536);
      char *s = g_malloc(n + 1);
      memset(s, 'x', n);
      s[n] = '\0';
      return s;
    }
    case 2: { /* random code points, valid UTF-8, no NUL */
      GString *s = g_string_new(NULL);
      int n = g_rand_int_range(rng, 0, 64);
      for (int i = 0; i < n; ++i) {
        gunichar c = (gunichar)g_rand_int_range(rng, 1, 0x110000);
        if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd;
        g_string_append_unichar(s, c);
      }
      return g_string_free(s, FALSE);
    }
    case 3: { /* random printable ASCII */
      int n = g_rand_int_range(rng, 0, 40);
      char *s = g_malloc((gsize)n + 1);
      for (int i = 0; i < n; ++i) s[i] = (char)g_rand_int_range(rng, 0x20, 0x7f);
      s[n] = '\0';
      return s;
    }
    default: /* a known string with a suffix */
      return g_strconcat(kStrings[g_rand_int_range(rng, 0, G_N_ELEMENTS(kStrings))], ".service", NULL);
  }
}

static char *random_path(void) {
  if (g_rand_boolean(rng)) return g_strdup(kPaths[g_rand_int_range(rng, 0, G_N_ELEMENTS(kPaths))]);
  GString *s = g_string_new(NULL);
  int n = g_rand_int_range(rng, 1, 200);
  for (int i = 0; i < n; ++i) {
    g_string_append_c(s, '/');
    int len = g_rand_int_range(rng, 1, 8);
    for (int j = 0; j < len; ++j) g_string_append_c(s, "abcXYZ019_"[g_rand_int_range(rng, 0, 10)]);
  }
  return g_string_free(s, FALSE);
}

static gint64 boundary_int(gint64 min, guint64 max) {
  switch (g_rand_int_range(rng, 0, 6)) {
    case 0: return 0;
    case 1: return 1;
    case 2: return min;
    case 3: return (gint64)max;
    case 4: return min < 0 ? -1 : (gint64)(max / 2);
    default: return (gint64)g_rand_int(rng) - (min < 0 ? G_MAXINT32 : 0);
  }
}

static GVariant *generate_basic(char code) {
  switch (code) {
    case 'b': return g_variant_new_boolean(g_rand_boolean(rng));
    case 'y': return g_variant_new_byte((guchar)boundary_int(0, 255));
    case 'n': return g_variant_new_int16((gint16)boundary_int(G_MININT16, G_MAXINT16));
    case 'q': return g_variant_new_uint16((guint16)boundary_int(0, G_MAXUINT16));
    case 'i': return g_variant_new_int32((gint32)boundary_int(G_MININT32, G_MAXINT32));
    case 'u': return g_variant_new_uint32((guint32)boundary_int(0, G_MAXUINT32));
    case 'x': return g_variant_new_int64(boundary_int(G_MININT64, G_MAXINT64));
    case 't': return g_variant_new_uint64(g_rand_boolean(rng) ? G_MAXUINT64 : (guint64)boundary_int(0, G_MAXUINT32));
    case 'h': return g_variant_new_handle(g_rand_boolean(rng) ? 0 : g_rand_int_range(rng, -1, 1000));
    case 'd': {
      static const double kDoubles[] = {0.0, -0.0, 1e308, -1e308, 5e-324};
      int pick = g_rand_int_range(rng, 0, 8);
      if (pick < 5) return g_variant_new_double(kDoubles[pick]);
      if (pick == 5) return g_variant_new_double(strtod("nan", NULL));
      if (pick == 6) return g_variant_new_double(strtod("inf", NULL));
      return g_variant_new_double(g_rand_double_range(rng, -1e9, 1e9));
    }
    case 's': {
      char *s = random_string();
      return g_variant_new_take_string(s);
    }
    case 'o': {
      char *p = random_path();
      GVariant *v = g_variant_new_object_path(p);
      g_free(p);
      return v;
    }
    case 'g': return g_variant_new_signature(kSignatures[g_rand_int_range(rng, 0, G_N_ELEMENTS(kSignatures))]);
    default: return NULL;
  }
}

/* A value for the variant type `v`: anything, nested up to the limit. */
static GVariant *generate_variant_content(int depth) {
  static const char *const kInner[] = {"s", "u", "i", "t", "b", "o", "as", "a{sv}", "(si)", "ay"};
  if (depth < 24 && g_rand_int_range(rng, 0, 3) == 0)
    return g_variant_new_variant(generate_variant_content(depth + 1));
  GVariantType *type = g_variant_type_new(kInner[g_rand_int_range(rng, 0, G_N_ELEMENTS(kInner))]);
  GVariant *value = generate(type, depth + 1);
  g_variant_type_free(type);
  return value;
}

static GVariant *generate(const GVariantType *type, int depth) {
  if (g_variant_type_is_basic(type)) return generate_basic(g_variant_type_peek_string(type)[0]);
  if (g_variant_type_is_variant(type)) return g_variant_new_variant(generate_variant_content(depth));
  if (g_variant_type_is_array(type)) {
    const GVariantType *element = g_variant_type_element(type);
    int n = depth > 8 ? 0 : g_rand_int_range(rng, 0, 3) == 0 ? g_rand_int_range(rng, 0, 300) : g_rand_int_range(rng, 0, 4);
    GVariant **children = g_new(GVariant *, (gsize)n + 1);
    for (int i = 0; i < n; ++i) children[i] = generate(element, depth + 1);
    GVariant *array = g_variant_new_array(element, children, (gsize)n);
    g_free(children);
    return array;
  }
  if (g_variant_type_is_dict_entry(type))
    return g_variant_new_dict_entry(generate(g_variant_type_key(type), depth + 1),
                                    generate(g_variant_type_value(type), depth + 1));
  if (g_variant_type_is_tuple(type)) {
    GPtrArray *items = g_ptr_array_new();
    for (const GVariantType *t = g_variant_type_first(type); t; t = g_variant_type_next(t))
      g_ptr_array_add(items, generate(t, depth + 1));
    GVariant *tuple = g_variant_new_tuple((GVariant **)items->pdata, items->len);
    g_ptr_array_free(items, TRUE);
    return tuple;
  }
  return NULL;
}

static GVariantType *in_signature(GDBusMethodInfo *method) {
  GString *s = g_string_new("(");
  for (GDBusArgInfo **arg = method->in_args; arg && *arg; ++arg) g_string_append(s, (*arg)->signature);
  g_string_append_c(s, ')');
  GVariantType *type = g_variant_type_new(s->str);
  g_string_free(s, TRUE);
  return type;
}

/* Every method reachable from `root`, breadth first through child nodes. */
static gboolean introspect(GDBusConnection *bus, const char *name, const char *root, GPtrArray *methods) {
  GQueue paths = G_QUEUE_INIT;
  g_queue_push_tail(&paths, g_strdup(root));
  gboolean ok = TRUE;
  char *path;
  while ((path = g_queue_pop_head(&paths)) != NULL) {
    GError *error = NULL;
    GVariant *reply = g_dbus_connection_call_sync(bus, name, path, "org.freedesktop.DBus.Introspectable",
                                                  "Introspect", NULL, G_VARIANT_TYPE("(s)"),
                                                  G_DBUS_CALL_FLAGS_NONE, 10000, NULL, &error);
    if (!reply) {
      fprintf(stderr, "Introspect %s: %s\n", path, error->message);
      g_error_free(error);
      ok = FALSE;
      g_free(path);
      continue;
    }
    const char *xml = NULL;
    g_variant_get(reply, "(&s)", &xml);
    GDBusNodeInfo *node = g_dbus_node_info_new_for_xml(xml, &error);
    if (!node) {
      fprintf(stderr, "Introspect %s: bad XML: %s\n", path, error->message);
      g_error_free(error);
      ok = FALSE;
    } else {
      for (GDBusInterfaceInfo **iface = node->interfaces; iface && *iface; ++iface)
        for (GDBusMethodInfo **m = (*iface)->methods; m && *m; ++m) {
          Method *entry = g_new0(Method, 1);
          entry->path = g_strdup(path);
          entry->interface = g_strdup((*iface)->name);
          entry->method = g_strdup((*m)->name);
          entry->in = in_signature(*m);
          g_ptr_array_add(methods, entry);
        }
      for (GDBusNodeInfo **child = node->nodes; child && *child; ++child)
        g_queue_push_tail(&paths, strcmp(path, "/") == 0 ? g_strconcat("/", (*child)->path, NULL)
                                                         : g_strconcat(path, "/", (*child)->path, NULL));
      g_dbus_node_info_unref(node);
    }
    g_variant_unref(reply);
    g_free(path);
  }
  return ok;
}

int main(int argc, char **argv) {
  const char *address = NULL, *name = "org.vermilion1", *root = "/org/vermilion1";
  long iterations = 1;
  guint32 seed = 1;
  int timeout_ms = 10000;
  GPtrArray *skip = g_ptr_array_new();
  for (int i = 1; i + 1 < argc; i += 2) {
    if (strcmp(argv[i], "--address") == 0) address = argv[i + 1];
    else if (strcmp(argv[i], "--name") == 0) name = argv[i + 1];
    else if (strcmp(argv[i], "--root") == 0) root = argv[i + 1];
    else if (strcmp(argv[i], "--iterations") == 0) iterations = atol(argv[i + 1]);
    else if (strcmp(argv[i], "--seed") == 0) seed = (guint32)strtoul(argv[i + 1], NULL, 10);
    else if (strcmp(argv[i], "--timeout-ms") == 0) timeout_ms = atoi(argv[i + 1]);
    else if (strcmp(argv[i], "--skip-path") == 0) g_ptr_array_add(skip, argv[i + 1]);
    else {
      fprintf(stderr, "vermilion-dbus-fuzzer: unknown option %s\n", argv[i]);
      return 2;
    }
  }
  if (!address || iterations <= 0 || timeout_ms <= 0) {
    fprintf(stderr, "usage: vermilion-dbus-fuzzer --address ADDRESS [--iterations N] [--seed S] ...\n");
    return 2;
  }
  rng = g_rand_new_with_seed(seed);
  GError *error = NULL;
  GDBusConnection *bus = g_dbus_connection_new_for_address_sync(
      address, G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT | G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION, NULL,
      NULL, &error);
  if (!bus) {
    fprintf(stderr, "vermilion-dbus-fuzzer: %s: %s\n", address, error->message);
    return 2;
  }
  g_dbus_connection_set_exit_on_close(bus, FALSE);
  GPtrArray *methods = g_ptr_array_new();
  if (!introspect(bus, name, root, methods) || methods->len == 0) {
    fprintf(stderr, "vermilion-dbus-fuzzer: introspection of %s %s failed\n", name, root);
    return 2;
  }
  GHashTable *error_names = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  long calls = 0, replies = 0, errors = 0, hangs = 0, lost = 0;
  int null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
  for (long it = 0; it < iterations && lost == 0; ++it) {
    for (guint m = 0; m < methods->len && lost == 0; ++m) {
      Method *method = g_ptr_array_index(methods, m);
      gboolean skipped = FALSE;
      for (guint s = 0; s < skip->len; ++s) skipped |= strcmp(method->path, g_ptr_array_index(skip, s)) == 0;
      if (skipped) continue;
      GVariant *args = g_variant_ref_sink(generate(method->in, 0));
      const gsize args_size = g_variant_get_size(args);
      GUnixFDList *fds = g_unix_fd_list_new_from_array(&null_fd, 0);
      if (g_rand_int_range(rng, 0, 8) == 0) g_unix_fd_list_append(fds, null_fd, NULL);
      ++calls;
      GVariant *reply = g_dbus_connection_call_with_unix_fd_list_sync(
          bus, name, method->path, method->interface, method->method, args, NULL, G_DBUS_CALL_FLAGS_NONE,
          timeout_ms, fds, NULL, NULL, &error);
      g_object_unref(fds);
      g_variant_unref(args);
      if (reply) {
        ++replies;
        g_variant_unref(reply);
        continue;
      }
      char *remote = g_dbus_error_get_remote_error(error);
      if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT) ||
          (remote && strcmp(remote, "org.freedesktop.DBus.Error.NoReply") == 0)) {
        ++hangs;
        fprintf(stderr, "hang: %s %s.%s (%zu bytes of arguments)\n", method->path, method->interface, method->method,
                args_size);
      } else if (g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CLOSED)) {
        /* dbus-daemon dropped *our* connection (a message it refuses, such
         * as one over its limits): not the service's doing. Reconnect. */
        ++errors;
        g_object_unref(bus);
        bus = g_dbus_connection_new_for_address_sync(
            address, G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT | G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
            NULL, NULL, NULL);
        if (!bus) {
          fprintf(stderr, "vermilion-dbus-fuzzer: cannot reconnect to %s\n", address);
          return 2;
        }
        g_dbus_connection_set_exit_on_close(bus, FALSE);
        g_free(remote);
        remote = g_strdup("(connection closed by the bus; reconnected)");
      } else if (remote && strcmp(remote, "org.freedesktop.DBus.Error.ServiceUnknown") == 0) {
        ++lost;
        fprintf(stderr, "lost: %s %s.%s: %s\n", method->path, method->interface, method->method, error->message);
      } else {
        ++errors;
      }
      char *key = g_strdup(remote ? remote : "(local error)");
      gpointer count = g_hash_table_lookup(error_names, key);
      g_hash_table_replace(error_names, key, GINT_TO_POINTER(GPOINTER_TO_INT(count) + 1));
      g_free(remote);
      g_clear_error(&error);
    }
  }
  GHashTableIter iter;
  gpointer key, value;
  g_hash_table_iter_init(&iter, error_names);
  while (g_hash_table_iter_next(&iter, &key, &value)) printf("error %s: %d\n", (char *)key, GPOINTER_TO_INT(value));
  printf("fuzz: methods=%u calls=%ld replies=%ld errors=%ld hangs=%ld lost=%ld\n", methods->len, calls, replies,
         errors, hangs, lost);
  return hangs == 0 && lost == 0 ? 0 : 1;
}
