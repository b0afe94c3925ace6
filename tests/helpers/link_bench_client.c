/* The client side of bench/broker_bench.cpp: asks Status N times, one call
 * at a time, with sd-bus, timing each round trip with CLOCK_MONOTONIC, and
 * prints one line:
 *
 *   rtt n=N median_ns=M p95_ns=P min_ns=L
 *
 * Two ways in, the same calls and the same timing code:
 *   link_bench_client N WARMUP
 *       over the private link (VERMILION_BROKER_FD), on capability slot 1,
 *       for the capability's own service ("");
 *   link_bench_client N WARMUP ADDRESS DESTINATION
 *       over a message bus at ADDRESS, to DESTINATION, which exports the
 *       same method at the same path;
 *   link_bench_client get N WARMUP ADDRESS PATH
 *       org.vermilion1 through a bus: Properties.Get(ActiveState) on the
 *       service object PATH (a status round trip through the bridge);
 *   link_bench_client list N WARMUP ADDRESS
 *       org.vermilion1's Manager.ListServices, reading every row;
 *   link_bench_client units N WARMUP ADDRESS
 *       org.freedesktop.systemd1's Manager.ListUnits through the bridge
 *       (--systemd-compat), reading every row;
 *   link_bench_client getall N WARMUP ADDRESS PATH
 *       org.freedesktop.systemd1: Properties.GetAll("") on the unit object
 *       PATH (every interface merged, what `systemctl show` sends), reading
 *       every property;
 *   link_bench_client serve ADDRESS DESTINATION
 *       the other end of that: connects to the bus at ADDRESS, owns
 *       DESTINATION, exports Status there (a fixed answer the size of the
 *       broker's), prints "ready", and serves until the bus goes away;
 *   link_bench_client serve-p2p FD
 *       the same Status, served with sd-bus peer-to-peer (anonymous, as
 *       vermiliond's link server) on the socket FD until it closes: the
 *       floor of a round trip on the private link without the broker.
 * Errors print "error WHAT MESSAGE" and exit 1.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-bus.h>
#include <time.h>
#include <unistd.h>

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int compare(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

static int status_call(sd_bus *bus, const char *destination) {
  sd_bus_error e = SD_BUS_ERROR_NULL;
  sd_bus_message *reply = NULL;
  int r = sd_bus_call_method(bus, destination, "/org/vermilion1/link/cap/1", "org.vermilion1.ServiceCapability",
                             "Status", &e, &reply, "s", "");
  if (r >= 0) {
    const char *active, *sub, *result, *description;
    uint32_t pid, restarts;
    int32_t status;
    r = sd_bus_message_read(reply, "sssuuis", &active, &sub, &result, &pid, &restarts, &status, &description);
  } else {
    printf("error call %s %s\n", e.name ? e.name : "errno", e.message ? e.message : strerror(-r));
  }
  sd_bus_error_free(&e);
  sd_bus_message_unref(reply);
  return r;
}

/* org.vermilion1 through the bridge: one property, or the whole list. */
static const char *service_path;

static int get_call(sd_bus *bus, const char *destination) {
  sd_bus_error e = SD_BUS_ERROR_NULL;
  char *state = NULL;
  int r = sd_bus_get_property_string(bus, destination, service_path, "org.vermilion1.Service", "ActiveState", &e,
                                     &state);
  if (r < 0) printf("error call %s %s\n", e.name ? e.name : "errno", e.message ? e.message : strerror(-r));
  free(state);
  sd_bus_error_free(&e);
  return r;
}

static int list_call(sd_bus *bus, const char *destination) {
  sd_bus_error e = SD_BUS_ERROR_NULL;
  sd_bus_message *reply = NULL;
  int r = sd_bus_call_method(bus, destination, "/org/vermilion1", "org.vermilion1.Manager", "ListServices", &e,
                             &reply, "");
  if (r >= 0) {
    const char *name, *description, *active, *sub, *path;
    r = sd_bus_message_enter_container(reply, 'a', "(sssso)");
    while (r >= 0 && (r = sd_bus_message_read(reply, "(sssso)", &name, &description, &active, &sub, &path)) > 0) {
    }
  } else {
    printf("error call %s %s\n", e.name ? e.name : "errno", e.message ? e.message : strerror(-r));
  }
  sd_bus_error_free(&e);
  sd_bus_message_unref(reply);
  return r;
}

/* org.freedesktop.systemd1 through the bridge's compat face. */
static int units_call(sd_bus *bus, const char *destination) {
  sd_bus_error e = SD_BUS_ERROR_NULL;
  sd_bus_message *reply = NULL;
  int r = sd_bus_call_method(bus, destination, "/org/freedesktop/systemd1", "org.freedesktop.systemd1.Manager",
                             "ListUnits", &e, &reply, "");
  if (r >= 0) {
    const char *name, *description, *load, *active, *sub, *following, *path, *job_type, *job_path;
    uint32_t job;
    r = sd_bus_message_enter_container(reply, 'a', "(ssssssouso)");
    while (r >= 0 && (r = sd_bus_message_read(reply, "(ssssssouso)", &name, &description, &load, &active, &sub,
                                               &following, &path, &job, &job_type, &job_path)) > 0) {
    }
  } else {
    printf("error call %s %s\n", e.name ? e.name : "errno", e.message ? e.message : strerror(-r));
  }
  sd_bus_error_free(&e);
  sd_bus_message_unref(reply);
  return r;
}

static int getall_call(sd_bus *bus, const char *destination) {
  sd_bus_error e = SD_BUS_ERROR_NULL;
  sd_bus_message *reply = NULL;
  int r = sd_bus_call_method(bus, destination, service_path, "org.freedesktop.DBus.Properties", "GetAll", &e, &reply,
                             "s", "");
  if (r >= 0) {
    /* Every entry parsed: the name read, the variant's value skipped
     * (sd_bus_message_skip walks it). */
    r = sd_bus_message_enter_container(reply, 'a', "{sv}");
    while (r >= 0 && (r = sd_bus_message_enter_container(reply, 'e', "sv")) > 0) {
      const char *property;
      r = sd_bus_message_read(reply, "s", &property);
      if (r >= 0) r = sd_bus_message_skip(reply, "v");
      if (r >= 0) r = sd_bus_message_exit_container(reply);
    }
  } else {
    printf("error call %s %s\n", e.name ? e.name : "errno", e.message ? e.message : strerror(-r));
  }
  sd_bus_error_free(&e);
  sd_bus_message_unref(reply);
  return r;
}

static int status_method(sd_bus_message *m, void *userdata, sd_bus_error *error) {
  (void)userdata;
  (void)error;
  const char *name = NULL;
  int r = sd_bus_message_read(m, "s", &name);
  if (r < 0) return r;
  return sd_bus_reply_method_return(m, "sssuuis", "active", "running", "success", (uint32_t)getpid(), 0u, 0,
                                    "bench target");
}

static const sd_bus_vtable status_vtable[] = {
    SD_BUS_VTABLE_START(0),
    SD_BUS_METHOD("Status", "s", "sssuuis", status_method, SD_BUS_VTABLE_UNPRIVILEGED),
    SD_BUS_VTABLE_END};

static int serve(const char *address, const char *name) {
  sd_bus *bus = NULL;
  int r = sd_bus_new(&bus);
  if (r >= 0) r = sd_bus_set_address(bus, address);
  if (r >= 0) r = sd_bus_set_bus_client(bus, 1);
  if (r >= 0) r = sd_bus_start(bus);
  if (r >= 0)
    r = sd_bus_add_object_vtable(bus, NULL, "/org/vermilion1/link/cap/1", "org.vermilion1.ServiceCapability",
                                 status_vtable, NULL);
  if (r >= 0) r = sd_bus_request_name(bus, name, 0);
  if (r < 0) {
    printf("error serve %s\n", strerror(-r));
    return 1;
  }
  printf("ready\n");
  for (;;) {
    r = sd_bus_process(bus, NULL);
    if (r < 0) break;
    if (r > 0) continue;
    if (sd_bus_wait(bus, UINT64_MAX) < 0) break;
  }
  sd_bus_unref(bus);
  return 0;
}

static int serve_p2p(int fd) {
  sd_bus *bus = NULL;
  sd_id128_t id;
  int r = sd_id128_randomize(&id);
  if (r >= 0) r = sd_bus_new(&bus);
  if (r >= 0) r = sd_bus_set_fd(bus, fd, fd);
  if (r >= 0) r = sd_bus_set_server(bus, 1, id);
  if (r >= 0) r = sd_bus_set_anonymous(bus, 1);
  if (r >= 0) r = sd_bus_start(bus);
  if (r >= 0)
    r = sd_bus_add_object_vtable(bus, NULL, "/org/vermilion1/link/cap/1", "org.vermilion1.ServiceCapability",
                                 status_vtable, NULL);
  if (r < 0) {
    printf("error serve-p2p %s\n", strerror(-r));
    return 1;
  }
  for (;;) {
    r = sd_bus_process(bus, NULL);
    if (r < 0) break;
    if (r > 0) continue;
    if (sd_bus_wait(bus, UINT64_MAX) < 0) break;
  }
  sd_bus_unref(bus);
  return 0;
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  if (argc == 4 && strcmp(argv[1], "serve") == 0) return serve(argv[2], argv[3]);
  if (argc == 3 && strcmp(argv[1], "serve-p2p") == 0) return serve_p2p(atoi(argv[2]));
  int (*call)(sd_bus *, const char *) = status_call;
  long n = 0, warmup = 0;
  const char *address = NULL, *destination = NULL;
  if (argc >= 5 && (strcmp(argv[1], "get") == 0 || strcmp(argv[1], "list") == 0 || strcmp(argv[1], "units") == 0 ||
                    strcmp(argv[1], "getall") == 0)) {
    const int systemd1 = strcmp(argv[1], "units") == 0 || strcmp(argv[1], "getall") == 0;
    call = strcmp(argv[1], "get") == 0      ? get_call
           : strcmp(argv[1], "list") == 0   ? list_call
           : strcmp(argv[1], "units") == 0  ? units_call
                                            : getall_call;
    const int takes_path = call == get_call || call == getall_call;
    if (takes_path ? argc != 6 : argc != 5) {
      printf("error usage link_bench_client get|getall N WARMUP ADDRESS PATH | list|units N WARMUP ADDRESS\n");
      return 1;
    }
    n = atol(argv[2]), warmup = atol(argv[3]), address = argv[4];
    destination = systemd1 ? "org.freedesktop.systemd1" : "org.vermilion1";
    service_path = argc == 6 ? argv[5] : NULL;
  } else if (argc == 3 || argc == 5) {
    n = atol(argv[1]), warmup = atol(argv[2]);
    if (argc == 5) address = argv[3], destination = argv[4];
  } else {
    printf("error usage link_bench_client N WARMUP [ADDRESS DESTINATION]\n");
    return 1;
  }
  if (n <= 0 || warmup < 0) {
    printf("error usage N must be positive\n");
    return 1;
  }
  sd_bus *bus = NULL;
  int r = sd_bus_new(&bus);
  if (r >= 0 && destination) {
    if ((r = sd_bus_set_address(bus, address)) >= 0) r = sd_bus_set_bus_client(bus, 1);
  } else if (r >= 0) {
    const char *fd_text = getenv("VERMILION_BROKER_FD");
    if (!fd_text) {
      printf("error no-link VERMILION_BROKER_FD is not set\n");
      return 1;
    }
    int fd = atoi(fd_text);
    if ((r = sd_bus_set_fd(bus, fd, fd)) >= 0) r = sd_bus_set_anonymous(bus, 1);
  }
  if (r >= 0) r = sd_bus_start(bus);
  if (r < 0) {
    printf("error connect %s\n", strerror(-r));
    return 1;
  }
  uint64_t *samples = calloc((size_t)n, sizeof *samples);
  if (!samples) return 1;
  for (long i = 0; i < warmup; ++i)
    if (call(bus, destination) < 0) return 1;
  for (long i = 0; i < n; ++i) {
    uint64_t t0 = now_ns();
    if (call(bus, destination) < 0) return 1;
    samples[i] = now_ns() - t0;
  }
  qsort(samples, (size_t)n, sizeof *samples, compare);
  size_t p95 = (size_t)((double)(n - 1) * 0.95 + 0.5);
  printf("rtt n=%ld median_ns=%llu p95_ns=%llu min_ns=%llu\n", n, (unsigned long long)samples[n / 2],
         (unsigned long long)samples[p95], (unsigned long long)samples[0]);
  free(samples);
  sd_bus_flush_close_unref(bus);
  return 0;
}
