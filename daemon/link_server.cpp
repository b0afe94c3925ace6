#include "link_server.h"

#include <sys/socket.h>
#include <systemd/sd-id128.h>

#include <cerrno>
#include <csignal>
#include <cstring>

namespace vermilion {

std::string capability_path(Slot slot) { return std::string(kCapabilityPathPrefix) + "/" + std::to_string(slot); }

namespace {

constexpr const char* kLinkInterface = "org.vermilion1.Link";
constexpr const char* kCapabilityInterface = "org.vermilion1.Capability";

// The slot a capability path names; 0 when it names none.
Slot slot_of(const char* path) {
  std::string_view p(path ? path : "");
  std::string_view prefix = kCapabilityPathPrefix;
  if (!p.starts_with(prefix) || p.size() <= prefix.size() + 1 || p[prefix.size()] != '/') return 0;
  std::string_view digits = p.substr(prefix.size() + 1);
  if (digits.size() > 10 || digits.front() == '0') return 0;
  unsigned long long v = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return 0;
    v = v * 10 + static_cast<unsigned>(c - '0');
  }
  return v > UINT32_MAX ? 0 : static_cast<Slot>(v);
}

int reply_error(sd_bus_error* error, const BrokerResult& r) {
  return sd_bus_error_set(error, r.error.c_str(), r.message.c_str());
}

}  // namespace

// The sd-bus entry points. Each finds its link through userdata and its slot
// through the object path: nothing a child sends can name another's CList.
struct LinkServer::Calls {
  static LinkServer& link(void* userdata) { return *static_cast<LinkServer*>(userdata); }
  static Slot slot(sd_bus_message* m) { return slot_of(sd_bus_message_get_path(m)); }

  // -- root --
  static int list_capabilities(sd_bus_message* m, void* userdata, sd_bus_error*) {
    LinkServer& self = link(userdata);
    sd_bus_message* reply = nullptr;
    int r = sd_bus_message_new_method_return(m, &reply);
    if (r < 0) return r;
    r = sd_bus_message_open_container(reply, 'a', "(usssto)");
    for (const Capability* cap : self.broker_.list(self.holder_)) {
      if (r < 0) break;
      r = sd_bus_message_append(reply, "(usssto)", cap->slot, to_string(cap->kind), cap->object.c_str(),
                                rights_to_string(cap->rights).c_str(), cap->badge,
                                capability_path(cap->slot).c_str());
    }
    if (r >= 0) r = sd_bus_message_close_container(reply);
    if (r >= 0) r = sd_bus_send(nullptr, reply, nullptr);
    sd_bus_message_unref(reply);
    self.check_queue();
    return r < 0 ? r : 1;
  }

  // -- every capability --
  static int derive(sd_bus_message* m, void* userdata, sd_bus_error* error) {
    LinkServer& self = link(userdata);
    const char* rights = nullptr;
    if (int r = sd_bus_message_read(m, "s", &rights); r < 0) return r;
    Slot out = 0;
    BrokerResult result = self.broker_.derive(self.holder_, slot(m), rights, out);
    if (!result.ok()) return reply_error(error, result);
    return sd_bus_reply_method_return(m, "uo", out, capability_path(out).c_str());
  }
  static int revoke(sd_bus_message* m, void* userdata, sd_bus_error* error) {
    LinkServer& self = link(userdata);
    BrokerResult result = self.broker_.revoke(self.holder_, slot(m));
    if (!result.ok()) return reply_error(error, result);
    return sd_bus_reply_method_return(m, "");
  }
  static int drop(sd_bus_message* m, void* userdata, sd_bus_error* error) {
    LinkServer& self = link(userdata);
    BrokerResult result = self.broker_.drop(self.holder_, slot(m));
    if (!result.ok()) return reply_error(error, result);
    return sd_bus_reply_method_return(m, "");
  }
  static int property(sd_bus*, const char* path, const char*, const char* name, sd_bus_message* reply,
                      void* userdata, sd_bus_error* error) {
    LinkServer& self = link(userdata);
    const Capability* cap = self.broker_.lookup(self.holder_, slot_of(path));
    if (!cap) return sd_bus_error_set(error, broker_error::kNoSuchSlot, "capability is gone");
    std::string_view n = name;
    if (n == "Slot") return sd_bus_message_append(reply, "u", cap->slot);
    if (n == "Kind") return sd_bus_message_append(reply, "s", to_string(cap->kind));
    if (n == "Object") return sd_bus_message_append(reply, "s", cap->object.c_str());
    if (n == "Rights") return sd_bus_message_append(reply, "s", rights_to_string(cap->rights).c_str());
    return sd_bus_message_append(reply, "t", cap->badge);
  }

  // -- service capabilities --
  static int status(sd_bus_message* m, void* userdata, sd_bus_error* error) {
    LinkServer& self = link(userdata);
    const char* name = nullptr;
    if (int r = sd_bus_message_read(m, "s", &name); r < 0) return r;
    std::string resolved;
    BrokerResult result =
        self.broker_.authorize(self.holder_, slot(m), CapabilityKind::service, rights::status, name, resolved);
    if (!result.ok()) return reply_error(error, result);
    auto s = self.broker_.control().status(resolved);
    if (!s) return sd_bus_error_setf(error, broker_error::kNoSuchService, "no service %s", resolved.c_str());
    return sd_bus_reply_method_return(m, "sssuuis", s->active_state.c_str(), s->sub_state.c_str(),
                                      s->result.c_str(), s->main_pid, s->n_restarts, s->exec_main_status,
                                      s->description.c_str());
  }
  static int job(sd_bus_message* m, void* userdata, sd_bus_error* error, JobType type, Rights right) {
    LinkServer& self = link(userdata);
    const char* name = nullptr;
    if (int r = sd_bus_message_read(m, "s", &name); r < 0) return r;
    std::string resolved;
    Slot s = slot(m);
    BrokerResult result = self.broker_.authorize(self.holder_, s, CapabilityKind::service, right, name, resolved);
    if (!result.ok()) return reply_error(error, result);
    if (self.in_flight_ >= self.broker_.limits().calls_in_flight_per_link) {
      self.broker_.audit("invoke", self.holder_, "slot=" + std::to_string(s), "denied (calls in flight)");
      return sd_bus_error_setf(error, broker_error::kLimitsExceeded, "more than %zu calls in flight",
                               self.broker_.limits().calls_in_flight_per_link);
    }
    CapabilityId id = self.broker_.lookup(self.holder_, s)->id;
    sd_bus_message_ref(m);
    ++self.in_flight_;
    std::string failure = self.broker_.control().enqueue(
        type, resolved, [alive = self.self_, m, s, id, resolved](JobResult job_result) {
          LinkServer* link = *alive;
          if (link) --link->in_flight_;
          if (link && !link->closed_) {
            if (!link->broker_.still_held(link->holder_, s, id))
              sd_bus_reply_method_errorf(m, broker_error::kRevoked, "the capability was revoked");
            else if (job_result == JobResult::done || job_result == JobResult::skipped)
              sd_bus_reply_method_return(m, "");
            else
              sd_bus_reply_method_errorf(m, broker_error::kJobFailed, "job for %s finished: %s",
                                         resolved.c_str(), std::string(to_string(job_result)).c_str());
            link->check_queue();
          }
          sd_bus_message_unref(m);
        });
    if (!failure.empty()) {
      // Not queued: the callback never runs.
      --self.in_flight_;
      sd_bus_message_unref(m);
      return sd_bus_error_set(error, broker_error::kNoSuchService, failure.c_str());
    }
    return 1;  // the reply comes when the job is done
  }
  static int start(sd_bus_message* m, void* u, sd_bus_error* e) { return job(m, u, e, JobType::start, rights::start); }
  static int stop(sd_bus_message* m, void* u, sd_bus_error* e) { return job(m, u, e, JobType::stop, rights::stop); }
  static int restart(sd_bus_message* m, void* u, sd_bus_error* e) {
    return job(m, u, e, JobType::restart, rights::restart);
  }
  static int kill(sd_bus_message* m, void* userdata, sd_bus_error* error) {
    LinkServer& self = link(userdata);
    const char* name = nullptr;
    int sig = 0;
    if (int r = sd_bus_message_read(m, "si", &name, &sig); r < 0) return r;
    if (sig <= 0 || sig >= NSIG)
      return sd_bus_error_setf(error, broker_error::kInvalidArgs, "invalid signal %d", sig);
    std::string resolved;
    BrokerResult result =
        self.broker_.authorize(self.holder_, slot(m), CapabilityKind::service, rights::kill, name, resolved);
    if (!result.ok()) return reply_error(error, result);
    int r = self.broker_.control().kill(resolved, sig);
    if (r < 0) return sd_bus_error_setf(error, broker_error::kFailed, "kill %s: %s", resolved.c_str(), std::strerror(-r));
    return sd_bus_reply_method_return(m, "");
  }
  static int logs(sd_bus_message* m, void* userdata, sd_bus_error* error) {
    LinkServer& self = link(userdata);
    const char* name = nullptr;
    uint32_t lines = 0;
    if (int r = sd_bus_message_read(m, "su", &name, &lines); r < 0) return r;
    std::string resolved;
    BrokerResult result =
        self.broker_.authorize(self.holder_, slot(m), CapabilityKind::service, rights::logs, name, resolved);
    if (!result.ok()) return reply_error(error, result);
    sd_bus_message* reply = nullptr;
    int r = sd_bus_message_new_method_return(m, &reply);
    if (r >= 0) r = sd_bus_message_open_container(reply, 'a', "(ts)");
    for (const LogLine& line : self.broker_.control().logs(resolved, lines)) {
      if (r < 0) break;
      r = sd_bus_message_append(reply, "(ts)", line.realtime_usec, line.text.c_str());
    }
    if (r >= 0) r = sd_bus_message_close_container(reply);
    if (r >= 0) r = sd_bus_send(nullptr, reply, nullptr);
    sd_bus_message_unref(reply);
    self.check_queue();
    return r < 0 ? r : 1;
  }

  // -- manager capabilities --
  static int list_services(sd_bus_message* m, void* userdata, sd_bus_error* error) {
    LinkServer& self = link(userdata);
    std::string unused;
    BrokerResult result =
        self.broker_.authorize(self.holder_, slot(m), CapabilityKind::manager, rights::list, "", unused);
    if (!result.ok()) return reply_error(error, result);
    sd_bus_message* reply = nullptr;
    int r = sd_bus_message_new_method_return(m, &reply);
    if (r >= 0) r = sd_bus_message_open_container(reply, 'a', "(ssss)");
    for (const ServiceStatus& s : self.broker_.control().list()) {
      if (r < 0) break;
      r = sd_bus_message_append(reply, "(ssss)", s.name.c_str(), s.description.c_str(), s.active_state.c_str(),
                                s.sub_state.c_str());
    }
    if (r >= 0) r = sd_bus_message_close_container(reply);
    if (r >= 0) r = sd_bus_send(nullptr, reply, nullptr);
    sd_bus_message_unref(reply);
    self.check_queue();
    return r < 0 ? r : 1;
  }
  static int watch(sd_bus_message* m, void* userdata, sd_bus_error* error) {
    LinkServer& self = link(userdata);
    std::string unused;
    BrokerResult result =
        self.broker_.authorize(self.holder_, slot(m), CapabilityKind::manager, rights::watch, "", unused);
    if (!result.ok()) return reply_error(error, result);
    self.broker_.watch(self.holder_, slot(m), self);
    return sd_bus_reply_method_return(m, "");
  }
  static int reload(sd_bus_message* m, void* userdata, sd_bus_error* error) {
    LinkServer& self = link(userdata);
    std::string unused;
    BrokerResult result =
        self.broker_.authorize(self.holder_, slot(m), CapabilityKind::manager, rights::reload, "", unused);
    if (!result.ok()) return reply_error(error, result);
    self.broker_.control().reload_units();
    return sd_bus_reply_method_return(m, "");
  }

  // -- endpoint capabilities --
  static int connect(sd_bus_message* m, void* userdata, sd_bus_error* error) {
    LinkServer& self = link(userdata);
    unique_fd mine;
    BrokerResult result = self.broker_.connect(self.holder_, slot(m), mine);
    if (!result.ok()) return reply_error(error, result);
    return sd_bus_reply_method_return(m, "h", mine.get());  // sd-bus sends a dup
  }
  static int grant(sd_bus_message* m, void* userdata, sd_bus_error* error) {
    LinkServer& self = link(userdata);
    uint32_t cap = 0;
    const char* rights = nullptr;
    if (int r = sd_bus_message_read(m, "us", &cap, &rights); r < 0) return r;
    Slot receiver_slot = 0;
    BrokerResult result = self.broker_.grant(self.holder_, slot(m), cap, rights, receiver_slot);
    if (!result.ok()) return reply_error(error, result);
    return sd_bus_reply_method_return(m, "u", receiver_slot);
  }

  // -- fd capabilities --
  static int open(sd_bus_message* m, void* userdata, sd_bus_error* error) {
    LinkServer& self = link(userdata);
    int fd = -1;
    BrokerResult result = self.broker_.open_fd(self.holder_, slot(m), fd);
    if (!result.ok()) return reply_error(error, result);
    return sd_bus_reply_method_return(m, "h", fd);
  }

  // -- object lookup: which capability paths exist on this link --
  template <int Kind>
  static int find(sd_bus*, const char* path, const char*, void* userdata, void** found, sd_bus_error*) {
    LinkServer& self = link(userdata);
    const Capability* cap = self.broker_.lookup(self.holder_, slot_of(path));
    if (!cap || (Kind >= 0 && static_cast<int>(cap->kind) != Kind)) return 0;
    *found = userdata;
    return 1;
  }
  static int enumerate(sd_bus*, const char*, void* userdata, char*** nodes, sd_bus_error*) {
    LinkServer& self = link(userdata);
    auto caps = self.broker_.list(self.holder_);
    char** out = static_cast<char**>(calloc(caps.size() + 1, sizeof(char*)));
    if (!out) return -ENOMEM;
    for (std::size_t i = 0; i < caps.size(); ++i) out[i] = strdup(capability_path(caps[i]->slot).c_str());
    *nodes = out;
    return 0;
  }

  // sd-bus (systemd 252) reads the authentication lines in chunks of up to
  // 256 bytes; what follows the client's BEGIN in the same chunk (its first
  // messages) stays in sd-bus's read buffer when the bus starts running, and
  // nothing wakes the loop for it: the fd has no new data and the read queue
  // is empty, so sd-bus neither polls for it nor sets a timeout. A client
  // that sends BEGIN and its first call back to back and then waits for the
  // reply (GDBus does) hangs. sd-bus clients send BEGIN with their AUTH
  // line, long before their first call, so they rarely hit it.
  // This post source runs after every event until the bus is running, then
  // once calls sd_bus_process() for what is buffered (a few messages at most
  // fit in that chunk) and switches itself off; from then on sd-bus's own
  // sources drive the link.
  static int after_auth(sd_event_source* source, void* userdata) {
    LinkServer& self = link(userdata);
    if (!self.closed_ && sd_bus_is_open(self.bus_) > 0 && sd_bus_is_ready(self.bus_) == 0)
      return 0;  // still authenticating: look again after the next event
    sd_event_source_set_enabled(source, SD_EVENT_OFF);
    for (int i = 0; i < kMaxBufferedAtBegin && !self.closed_ && sd_bus_is_ready(self.bus_) > 0; ++i) {
      int r = sd_bus_process(self.bus_, nullptr);
      if (r < 0) self.close(std::string("processing its first messages failed: ") + std::strerror(-r));
      if (r <= 0) break;
    }
    return 0;
  }
  // 256 bytes hold fewer: a method call's header alone is over 32 bytes.
  static constexpr int kMaxBufferedAtBegin = 16;

  // Sees every message first: hang-ups, fds a child tries to pass, and
  // calls to slots this link does not hold (denied and audited here, with
  // a clear error rather than a bare UnknownObject).
  static int filter(sd_bus_message* m, void* userdata, sd_bus_error*) {
    LinkServer& self = link(userdata);
    if (sd_bus_message_is_signal(m, "org.freedesktop.DBus.Local", "Disconnected") > 0) {
      self.close("the child hung up");
      return 1;
    }
    if (!self.child_spoke_) self.child_spoke();
    if (sd_bus_message_get_type(m, nullptr) != 0) {
      uint8_t type = 0;
      sd_bus_message_get_type(m, &type);
      if (type != SD_BUS_MESSAGE_METHOD_CALL) return 0;
    }
    const char* signature = sd_bus_message_get_signature(m, 1);
    if (signature && std::strchr(signature, 'h') && self.broker_.limits().fds_per_message == 0) {
      self.broker_.audit("call", self.holder_, std::string("member=") + (sd_bus_message_get_member(m) ?: ""),
                         "denied (fds in message)");
      sd_bus_reply_method_errorf(m, broker_error::kLimitsExceeded,
                                 "no method takes file descriptors from a child");
      return 1;
    }
    const char* path = sd_bus_message_get_path(m);
    if (path && std::string_view(path).starts_with(std::string(kCapabilityPathPrefix) + "/")) {
      Slot s = slot_of(path);
      if (s == 0 || !self.broker_.lookup(self.holder_, s)) {
        self.broker_.audit("invoke", self.holder_,
                           std::string("path=") + path + " member=" + (sd_bus_message_get_member(m) ?: ""),
                           "denied (no such capability)");
        sd_bus_reply_method_errorf(m, broker_error::kNoSuchSlot, "this link holds no capability at %s", path);
        return 1;
      }
    }
    return 0;
  }
};

namespace {

constexpr uint64_t kUnprivileged = SD_BUS_VTABLE_UNPRIVILEGED;

const sd_bus_vtable kLinkVtable[] = {
    SD_BUS_VTABLE_START(0),
    SD_BUS_METHOD_WITH_NAMES("ListCapabilities", "", , "a(usssto)",
                             SD_BUS_PARAM(capabilities), &LinkServer::Calls::list_capabilities, kUnprivileged),
    SD_BUS_SIGNAL_WITH_NAMES("CapabilityReceived", "usssto",
                             SD_BUS_PARAM(slot) SD_BUS_PARAM(kind) SD_BUS_PARAM(object) SD_BUS_PARAM(rights)
                                 SD_BUS_PARAM(badge) SD_BUS_PARAM(path),
                             0),
    SD_BUS_SIGNAL_WITH_NAMES("Revoked", "u", SD_BUS_PARAM(slot), 0),
    SD_BUS_SIGNAL_WITH_NAMES("Connection", "ht", SD_BUS_PARAM(socket) SD_BUS_PARAM(badge), 0),
    SD_BUS_SIGNAL_WITH_NAMES("ServiceStateChanged", "sss",
                             SD_BUS_PARAM(name) SD_BUS_PARAM(active_state) SD_BUS_PARAM(sub_state), 0),
    SD_BUS_VTABLE_END};

const sd_bus_vtable kCapabilityVtable[] = {
    SD_BUS_VTABLE_START(0),
    SD_BUS_PROPERTY("Slot", "u", &LinkServer::Calls::property, 0, SD_BUS_VTABLE_PROPERTY_CONST),
    SD_BUS_PROPERTY("Kind", "s", &LinkServer::Calls::property, 0, SD_BUS_VTABLE_PROPERTY_CONST),
    SD_BUS_PROPERTY("Object", "s", &LinkServer::Calls::property, 0, SD_BUS_VTABLE_PROPERTY_CONST),
    SD_BUS_PROPERTY("Rights", "s", &LinkServer::Calls::property, 0, SD_BUS_VTABLE_PROPERTY_CONST),
    SD_BUS_PROPERTY("Badge", "t", &LinkServer::Calls::property, 0, SD_BUS_VTABLE_PROPERTY_CONST),
    SD_BUS_METHOD_WITH_NAMES("Derive", "s", SD_BUS_PARAM(rights), "uo", SD_BUS_PARAM(slot) SD_BUS_PARAM(path),
                             &LinkServer::Calls::derive, kUnprivileged),
    SD_BUS_METHOD("Revoke", "", "", &LinkServer::Calls::revoke, kUnprivileged),
    SD_BUS_METHOD("Drop", "", "", &LinkServer::Calls::drop, kUnprivileged),
    SD_BUS_VTABLE_END};

const sd_bus_vtable kServiceVtable[] = {
    SD_BUS_VTABLE_START(0),
    SD_BUS_METHOD_WITH_NAMES("Status", "s", SD_BUS_PARAM(name), "sssuuis",
                             SD_BUS_PARAM(active_state) SD_BUS_PARAM(sub_state) SD_BUS_PARAM(result)
                                 SD_BUS_PARAM(main_pid) SD_BUS_PARAM(n_restarts)
                                     SD_BUS_PARAM(exec_main_status) SD_BUS_PARAM(description),
                             &LinkServer::Calls::status, kUnprivileged),
    SD_BUS_METHOD_WITH_NAMES("Start", "s", SD_BUS_PARAM(name), "", , &LinkServer::Calls::start, kUnprivileged),
    SD_BUS_METHOD_WITH_NAMES("Stop", "s", SD_BUS_PARAM(name), "", , &LinkServer::Calls::stop, kUnprivileged),
    SD_BUS_METHOD_WITH_NAMES("Restart", "s", SD_BUS_PARAM(name), "", , &LinkServer::Calls::restart, kUnprivileged),
    SD_BUS_METHOD_WITH_NAMES("Kill", "si", SD_BUS_PARAM(name) SD_BUS_PARAM(signal), "", , &LinkServer::Calls::kill,
                             kUnprivileged),
    SD_BUS_METHOD_WITH_NAMES("GetLogs", "su", SD_BUS_PARAM(name) SD_BUS_PARAM(lines), "a(ts)", SD_BUS_PARAM(lines),
                             &LinkServer::Calls::logs, kUnprivileged),
    SD_BUS_VTABLE_END};

const sd_bus_vtable kManagerVtable[] = {
    SD_BUS_VTABLE_START(0),
    SD_BUS_METHOD_WITH_NAMES("ListServices", "", , "a(ssss)", SD_BUS_PARAM(services),
                             &LinkServer::Calls::list_services, kUnprivileged),
    SD_BUS_METHOD("Watch", "", "", &LinkServer::Calls::watch, kUnprivileged),
    SD_BUS_METHOD("Reload", "", "", &LinkServer::Calls::reload, kUnprivileged),
    SD_BUS_VTABLE_END};

const sd_bus_vtable kEndpointVtable[] = {
    SD_BUS_VTABLE_START(0),
    SD_BUS_METHOD_WITH_NAMES("Connect", "", , "h", SD_BUS_PARAM(socket), &LinkServer::Calls::connect, kUnprivileged),
    SD_BUS_METHOD_WITH_NAMES("Grant", "us", SD_BUS_PARAM(slot) SD_BUS_PARAM(rights), "u", SD_BUS_PARAM(receiver_slot),
                             &LinkServer::Calls::grant, kUnprivileged),
    SD_BUS_VTABLE_END};

const sd_bus_vtable kFdVtable[] = {
    SD_BUS_VTABLE_START(0),
    SD_BUS_METHOD_WITH_NAMES("Open", "", , "h", SD_BUS_PARAM(fd), &LinkServer::Calls::open, kUnprivileged),
    SD_BUS_VTABLE_END};

}  // namespace

LinkServer::LinkServer(Broker& broker, std::string holder, ClosedCallback on_closed)
    : broker_(broker),
      holder_(std::move(holder)),
      on_closed_(std::move(on_closed)),
      self_(std::make_shared<LinkServer*>(this)) {}

LinkServer::~LinkServer() {
  after_auth_.reset();
  *self_ = nullptr;
  broker_.detach(holder_, *this);
  if (bus_) {
    sd_bus_detach_event(bus_);
    sd_bus_close_unref(bus_);  // never flush: a child that does not read must not block us
  }
}

int LinkServer::create(sd_event* loop, Broker& broker, std::string holder, unique_fd broker_end,
                       ClosedCallback on_closed, std::unique_ptr<LinkServer>& out) {
  std::unique_ptr<LinkServer> link(new LinkServer(broker, std::move(holder), std::move(on_closed)));
  sd_bus* bus = nullptr;
  int r = sd_bus_new(&bus);
  if (r < 0) return r;
  link->bus_ = bus;
  sd_id128_t id;
  if ((r = sd_id128_randomize(&id)) < 0) return r;
  int fd = broker_end.get();
  if ((r = sd_bus_set_fd(bus, fd, fd)) < 0) return r;
  (void)broker_end.release();  // the bus owns it now
  if ((r = sd_bus_set_server(bus, 1, id)) < 0) return r;
  if ((r = sd_bus_set_anonymous(bus, 1)) < 0) return r;
  if ((r = sd_bus_negotiate_fds(bus, 1)) < 0) return r;
  void* self = link.get();
  if ((r = sd_bus_add_filter(bus, nullptr, &Calls::filter, self)) < 0) return r;
  if ((r = sd_bus_add_object_vtable(bus, nullptr, kLinkPath, kLinkInterface, kLinkVtable, self)) < 0) return r;
  struct {
    const char* interface;
    const sd_bus_vtable* vtable;
    sd_bus_object_find_t find;
  } const kinds[] = {
      {kCapabilityInterface, kCapabilityVtable, &Calls::find<-1>},
      {"org.vermilion1.ServiceCapability", kServiceVtable, &Calls::find<static_cast<int>(CapabilityKind::service)>},
      {"org.vermilion1.ManagerCapability", kManagerVtable, &Calls::find<static_cast<int>(CapabilityKind::manager)>},
      {"org.vermilion1.EndpointCapability", kEndpointVtable,
       &Calls::find<static_cast<int>(CapabilityKind::endpoint)>},
      {"org.vermilion1.FdCapability", kFdVtable, &Calls::find<static_cast<int>(CapabilityKind::fd)>},
  };
  for (const auto& k : kinds) {
    r = sd_bus_add_fallback_vtable(bus, nullptr, kCapabilityPathPrefix, k.interface, k.vtable, k.find, self);
    if (r < 0) return r;
  }
  if ((r = sd_bus_add_node_enumerator(bus, nullptr, kCapabilityPathPrefix, &Calls::enumerate, self)) < 0) return r;
  if ((r = sd_bus_start(bus)) < 0) return r;
  // After sd_bus_start(), which raised the buffer.
  if (int size = broker.limits().link_send_buffer_bytes; size > 0) {
    if (setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof size) < 0) return -errno;
  }
  if ((r = sd_bus_attach_event(bus, loop, SD_EVENT_PRIORITY_NORMAL)) < 0) return r;
  sd_event_source* after_auth = nullptr;
  if ((r = sd_event_add_post(loop, &after_auth, &Calls::after_auth, self)) < 0) return r;
  link->after_auth_.reset(after_auth);
  broker.attach(link->holder_, *link);
  out = std::move(link);
  return 0;
}

void LinkServer::close(const std::string& reason) {
  if (closed_) return;
  closed_ = true;
  broker_.detach(holder_, *this);
  if (bus_) sd_bus_close(bus_);
  if (on_closed_) on_closed_(*this, reason);
}

// A child that stops reading would make us queue without bound: past the
// limit it is cut off (and its service decides, per Restart=, what follows).
void LinkServer::check_queue() {
  uint64_t queued = 0;
  if (closed_ || sd_bus_get_n_queued_write(bus_, &queued) < 0) return;
  if (queued > broker_.limits().queued_messages_per_link) {
    broker_.audit("quota", holder_, "queued=" + std::to_string(queued), "disconnected (child stopped reading)");
    misbehaved_ = true;
    close("it stopped reading (" + std::to_string(queued) + " messages queued)");
  }
}

void LinkServer::capability_received(const Capability& cap, std::uint64_t granter_badge) noexcept {
  if (closed_) return;
  sd_bus_emit_signal(bus_, kLinkPath, kLinkInterface, "CapabilityReceived", "usssto", cap.slot,
                     to_string(cap.kind), cap.object.c_str(), rights_to_string(cap.rights).c_str(), granter_badge,
                     capability_path(cap.slot).c_str());
  check_queue();
}

void LinkServer::revoked(Slot slot) noexcept {
  if (closed_) return;
  sd_bus_emit_signal(bus_, kLinkPath, kLinkInterface, "Revoked", "u", slot);
  check_queue();
}

void LinkServer::child_spoke() {
  child_spoke_ = true;
  auto pending = std::move(pending_connections_);
  for (auto& [fd, badge] : pending) connection(std::move(fd), badge);
}

void LinkServer::connection(unique_fd fd, std::uint64_t badge) noexcept {
  if (closed_) return;
  if (!child_spoke_) {
    // Held, not dropped; bounded like the write queue.
    if (pending_connections_.size() >= broker_.limits().queued_messages_per_link) {
      broker_.audit("quota", holder_, "pending-connections=" + std::to_string(pending_connections_.size()),
                    "disconnected (child never spoke)");
      misbehaved_ = true;
      close("it never spoke while connections queued up");
      return;
    }
    pending_connections_.emplace_back(std::move(fd), badge);
    return;
  }
  sd_bus_emit_signal(bus_, kLinkPath, kLinkInterface, "Connection", "ht", fd.get(), badge);
  check_queue();
}

void LinkServer::service_state_changed(const std::string& name, const std::string& active,
                                       const std::string& sub) noexcept {
  if (closed_) return;
  sd_bus_emit_signal(bus_, kLinkPath, kLinkInterface, "ServiceStateChanged", "sss", name.c_str(), active.c_str(),
                     sub.c_str());
  check_queue();
}

}  // namespace vermilion
