// The private link's methods (interfaces/org.vermilion1.Link.xml): what a
// child may ask of its link and of each capability in its CList. Every
// handler asks the broker, which checks the caller's own CList; nothing here
// decides anything.
#include "link/link_server.h"

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <csignal>
#include <cstring>

#include "common/bus_name.h"
#include "common/error_names.h"
#include "common/link_wire.h"
#include "common/utf8.h"
#include "common/out_of_memory.h"
#include "link/link_errors.h"
#include "platform/proc_cmdline.h"
#include "link/link_rows.h"

namespace vermilion {
namespace {

int reply_error(sd_bus_error* error, const BrokerResult& r) {
  return sd_bus_error_set(error, error_name(*r.error), r.message.c_str());
}

}  // namespace

// The sd-bus entry points. Each finds its link through userdata and its slot
// through the object path: nothing a child sends can name another's CList.
struct LinkServer::Calls {
  static LinkServer& link(void* userdata) { return *static_cast<LinkServer*>(userdata); }
  static Slot slot(sd_bus_message* m) { return capability_slot(sd_bus_message_get_path(m)); }

  // Sends the method return whose body `fill` appends (0 or -errno).
  template <typename Fill>
  static int reply_with(LinkServer& self, sd_bus_message* m, Fill fill) {
    sd_bus_message* reply = nullptr;
    int r = sd_bus_message_new_method_return(m, &reply);
    if (r >= 0) r = fill(reply);
    if (r >= 0) r = sd_bus_send(nullptr, reply, nullptr);
    sd_bus_message_unref(reply);
    self.check_queue();
    return r < 0 ? r : 1;
  }
  // The call's slot holds a manager capability with `right` (denials audited).
  static BrokerResult authorize_manager(LinkServer& self, sd_bus_message* m, Rights right) {
    std::string unused;
    return self.broker_.authorize(self.holder_, slot(m), CapabilityKind::manager, right, "", unused);
  }
  // The call's slot holds a service capability with `right` that covers
  // `name` (denials audited). Returns 0 with the service's full name in
  // `resolved`, or the negative errno of the D-Bus error set in `error`.
  static int authorize_service(LinkServer& self, sd_bus_message* m, Rights right, const char* name,
                               std::string& resolved, sd_bus_error* error) {
    BrokerResult result = self.broker_.authorize(self.holder_, slot(m), CapabilityKind::service, right, name, resolved);
    return result.ok() ? 0 : reply_error(error, result);
  }

  // -- root --
  static int list_capabilities(sd_bus_message* m, void* userdata, sd_bus_error*) {
    LinkServer& self = link(userdata);
    return reply_with(self, m, [&](sd_bus_message* reply) {
      return append_capabilities(reply, capability_rows(self.broker_.list(self.holder_)));
    });
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
    const Capability* cap = self.broker_.lookup(self.holder_, capability_slot(path));
    if (!cap) return sd_bus_error_set(error, error_names::kNoSuchCapability, "capability is gone");
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
    if (int r = authorize_service(self, m, rights::status, name, resolved, error); r < 0) return r;
    auto s = self.broker_.control().status(resolved);
    if (!s) return sd_bus_error_setf(error, error_names::kNoSuchService, "Unit %s not found.", resolved.c_str());
    return reply_with(self, m, [&](sd_bus_message* reply) { return append_service_status_reply(reply, *s); });
  }
  static int job(sd_bus_message* m, void* userdata, sd_bus_error* error, JobType type, Rights right) {
    LinkServer& self = link(userdata);
    const char* name = nullptr;
    if (int r = sd_bus_message_read(m, "s", &name); r < 0) return r;
    return queue_service_job(self, m, error, name, type, right, JobMode::replace);
  }
  // EnqueueJob(name, type, mode): systemd's EnqueueUnitJob, as Start, Stop,
  // Restart or Reload with a job mode; the type's right, and for `isolate`
  // the manager's (as Isolate).
  static int enqueue_job(sd_bus_message* m, void* userdata, sd_bus_error* error) {
    LinkServer& self = link(userdata);
    const char* name = nullptr;
    const char* type_text = nullptr;
    const char* mode_text = nullptr;
    if (int r = sd_bus_message_read(m, "sss", &name, &type_text, &mode_text); r < 0) return r;
    static const std::pair<std::string_view, std::pair<JobType, Rights>> kTypes[] = {
        {"start", {JobType::start, rights::start}},
        {"stop", {JobType::stop, rights::stop}},
        {"restart", {JobType::restart, rights::restart}},
        {"reload", {JobType::reload, rights::reload}}};
    const auto* type = std::find_if(std::begin(kTypes), std::end(kTypes),
                                    [&](const auto& t) { return t.first == type_text; });
    if (type == std::end(kTypes))
      return sd_bus_error_setf(error, error_names::kInvalidArgs, "Job type %s invalid", type_text);
    std::optional<JobMode> mode = job_mode_from_string(mode_text);
    if (!mode) return sd_bus_error_setf(error, error_names::kInvalidArgs, "Job mode %s invalid", mode_text);
    // Stopping every other unit is the manager's right: its capability's Isolate.
    if (*mode == JobMode::isolate)
      return sd_bus_error_set(error, error_names::kInvalidArgs,
                              "Job mode isolate is the manager capability's Isolate method.");
    return queue_service_job(self, m, error, name, type->second.first, type->second.second, *mode);
  }
  static int queue_service_job(LinkServer& self, sd_bus_message* m, sd_bus_error* error, const char* name,
                               JobType type, Rights right, JobMode mode) {
    std::string resolved;
    if (int r = authorize_service(self, m, right, name, resolved, error); r < 0) return r;
    return queue_job(self, m, resolved, error, [&](std::function<void(JobResult)> done) {
      return self.broker_.control().enqueue(type, resolved, std::move(done), mode);
    });
  }
  // systemctl isolate NAME, on the manager capability (right `isolate`).
  static int isolate(sd_bus_message* m, void* userdata, sd_bus_error* error) {
    LinkServer& self = link(userdata);
    const char* name = nullptr;
    if (int r = sd_bus_message_read(m, "s", &name); r < 0) return r;
    BrokerResult result = authorize_manager(self, m, rights::isolate);
    if (!result.ok()) return reply_error(error, result);
    const std::string unit = name;
    return queue_job(self, m, unit, error, [&](std::function<void(JobResult)> done) {
      return self.broker_.control().isolate(unit, std::move(done));
    });
  }
  // Queues what `enqueue` asks for on behalf of the call in `m`, which is
  // answered when the job has finished (or at once, when it is refused).
  static int queue_job(LinkServer& self, sd_bus_message* m, const std::string& resolved, sd_bus_error* error,
                       const std::function<EnqueueResult(std::function<void(JobResult)>)>& enqueue) {
    Slot s = slot(m);
    if (self.in_flight_ >= self.broker_.limits().calls_in_flight_per_link) {
      self.broker_.audit("invoke", self.holder_, "slot=" + std::to_string(s), "denied (calls in flight)");
      return sd_bus_error_setf(error, error_names::kLimitsExceeded, "more than %zu calls in flight",
                               self.broker_.limits().calls_in_flight_per_link);
    }
    CapabilityId id = self.broker_.lookup(self.holder_, s)->id;
    // Kept for the reply; it holds no fd (the link's gate let none through).
    sd_bus_message_ref(m);
    ++self.in_flight_;
    // A job may end inside enqueue() (a start of a unit that is up): its
    // reply waits until JobQueued has gone, so that the signal comes first.
    auto early = std::make_shared<std::optional<JobResult>>();
    auto announced = std::make_shared<bool>(false);
    auto reply = [alive = self.self_, m, s, id, resolved](JobResult job_result) {
      LinkServer* link = *alive;
      if (link) --link->in_flight_;
      if (link && !link->closed_) {
        drop_if_out_of_memory("a job's reply", [&] {
          if (!link->broker_.still_held(link->holder_, s, id))
            sd_bus_reply_method_errorf(m, error_names::kRevoked, "the capability was revoked");
          else if (job_result == JobResult::done || job_result == JobResult::skipped)
            sd_bus_reply_method_return(m, "");
          else
            sd_bus_reply_method_errorf(m, error_names::kJobFailed, "job for %s finished: %s", resolved.c_str(),
                                       std::string(to_string(job_result)).c_str());
          link->check_queue();
        });
      }
      sd_bus_message_unref(m);
    };
    EnqueueResult enqueued = enqueue([reply, early, announced](JobResult job_result) {
      if (*announced)
        reply(job_result);
      else
        *early = job_result;
    });
    if (!enqueued.queued()) {
      // Not queued: the callback never runs.
      --self.in_flight_;
      sd_bus_message_unref(m);
      return sd_bus_error_set(error, error_name(enqueued.outcome), describe(enqueued).c_str());
    }
    // Queued: told now, so that a client can answer its own caller before
    // the job ends (the bridge's systemd1 job path); a refusal above is
    // told by the reply alone.
    std::uint64_t cookie = 0;
    (void)sd_bus_message_get_cookie(m, &cookie);
    (void)self.emit("JobQueued", [&](sd_bus_message* signal) { return sd_bus_message_append(signal, "t", cookie); });
    *announced = true;
    if (*early) reply(**early);
    return 1;  // the reply comes when the job is done
  }
  static int start(sd_bus_message* m, void* u, sd_bus_error* e) { return job(m, u, e, JobType::start, rights::start); }
  static int stop(sd_bus_message* m, void* u, sd_bus_error* e) { return job(m, u, e, JobType::stop, rights::stop); }
  static int restart(sd_bus_message* m, void* u, sd_bus_error* e) {
    return job(m, u, e, JobType::restart, rights::restart);
  }
  static int reload(sd_bus_message* m, void* u, sd_bus_error* e) {
    return job(m, u, e, JobType::reload, rights::reload);
  }
  static int kill(sd_bus_message* m, void* userdata, sd_bus_error* error) {
    LinkServer& self = link(userdata);
    const char* name = nullptr;
    int sig = 0;
    if (int r = sd_bus_message_read(m, "si", &name, &sig); r < 0) return r;
    if (sig <= 0 || sig >= NSIG)
      return sd_bus_error_setf(error, error_names::kInvalidArgs, "invalid signal %d", sig);
    std::string resolved;
    if (int r = authorize_service(self, m, rights::kill, name, resolved, error); r < 0) return r;
    int r = self.broker_.control().kill(resolved, sig);
    if (r == -ESRCH) return sd_bus_error_setf(error, error_names::kNoSuchProcess, "No matching processes to kill");
    if (r < 0) return sd_bus_error_setf(error, error_names::kFailed, "kill %s: %s", resolved.c_str(), std::strerror(-r));
    return sd_bus_reply_method_return(m, "");
  }
  // systemctl kill --kill-whom=main|control (right `kill`): that process only.
  static int kill_process(sd_bus_message* m, void* userdata, sd_bus_error* error) {
    LinkServer& self = link(userdata);
    const char* name = nullptr;
    const char* whom = nullptr;
    int sig = 0;
    if (int r = sd_bus_message_read(m, "ssi", &name, &whom, &sig); r < 0) return r;
    const std::string_view who = whom;
    if (who != "main" && who != "control")
      return sd_bus_error_setf(error, error_names::kInvalidArgs, "whom must be main or control, not '%s'", whom);
    if (sig <= 0 || sig >= NSIG)
      return sd_bus_error_setf(error, error_names::kInvalidArgs, "invalid signal %d", sig);
    std::string resolved;
    if (int r = authorize_service(self, m, rights::kill, name, resolved, error); r < 0) return r;
    using W = ServiceControl::KillWhom;
    int r = self.broker_.control().kill_process(resolved, who == "main" ? W::main : W::control, sig);
    if (r == -ENOENT) return sd_bus_error_setf(error, error_names::kNoSuchService, "No service %s.", resolved.c_str());
    if (r == -ESRCH)
      return sd_bus_error_setf(error, error_names::kNoSuchProcess, "No %s process to kill", whom);
    if (r < 0) return sd_bus_error_setf(error, error_names::kFailed, "kill %s: %s", resolved.c_str(), std::strerror(-r));
    return sd_bus_reply_method_return(m, "");
  }
  // systemctl reset-failed: with `start`, as it makes a failed service
  // startable again (its start limit starts afresh).
  static int reset_failed(sd_bus_message* m, void* userdata, sd_bus_error* error) {
    LinkServer& self = link(userdata);
    const char* name = nullptr;
    if (int r = sd_bus_message_read(m, "s", &name); r < 0) return r;
    std::string resolved;
    if (int r = authorize_service(self, m, rights::start, name, resolved, error); r < 0) return r;
    if (self.broker_.control().reset_failed(resolved) < 0)
      return sd_bus_error_setf(error, error_names::kNoSuchService, "Unit %s not found.", resolved.c_str());
    return sd_bus_reply_method_return(m, "");
  }
  // systemctl cancel: with `stop`, as systemd's Job.Cancel checks the
  // unit's "stop" permission.
  static int cancel_job(sd_bus_message* m, void* userdata, sd_bus_error* error) {
    LinkServer& self = link(userdata);
    const char* name = nullptr;
    if (int r = sd_bus_message_read(m, "s", &name); r < 0) return r;
    std::string resolved;
    if (int r = authorize_service(self, m, rights::stop, name, resolved, error); r < 0) return r;
    int r = self.broker_.control().cancel_job(resolved);
    if (r == -ENOENT)
      return sd_bus_error_setf(error, error_names::kNoSuchService, "Unit %s not found.", resolved.c_str());
    if (r < 0) return sd_bus_error_setf(error, error_names::kNoSuchJob, "Unit %s has no job.", resolved.c_str());
    return reply_with(self, m, [](sd_bus_message*) { return 0; });
  }
  static int logs(sd_bus_message* m, void* userdata, sd_bus_error* error) {
    LinkServer& self = link(userdata);
    const char* name = nullptr;
    uint32_t lines = 0;
    if (int r = sd_bus_message_read(m, "su", &name, &lines); r < 0) return r;
    std::string resolved;
    if (int r = authorize_service(self, m, rights::logs, name, resolved, error); r < 0) return r;
    return reply_with(self, m, [&](sd_bus_message* reply) {
      int r = sd_bus_message_open_container(reply, 'a', "(ts)");
      for (const LogLine& line : self.broker_.control().logs(resolved, lines)) {
        if (r < 0) break;
        // Output is bytes; a D-Bus string must be UTF-8 without NUL.
        r = sd_bus_message_append(reply, "(ts)", line.realtime_usec, escape_invalid_utf8(line.text).c_str());
      }
      return r < 0 ? r : sd_bus_message_close_container(reply);
    });
  }

  // systemd's GetUnitProcesses rows: (cgroup, pid, command line), with `status`.
  static int processes(sd_bus_message* m, void* userdata, sd_bus_error* error) {
    LinkServer& self = link(userdata);
    const char* name = nullptr;
    if (int r = sd_bus_message_read(m, "s", &name); r < 0) return r;
    std::string resolved;
    if (int r = authorize_service(self, m, rights::status, name, resolved, error); r < 0) return r;
    std::vector<pid_t> pids;
    if (int r = self.broker_.control().processes(resolved, pids); r < 0)
      return sd_bus_error_setf(error, error_names::kNoSuchService, "No service %s.", resolved.c_str());
    const std::optional<ServiceStatus> status = self.broker_.control().status(resolved);
    const std::string cgroup = status ? status->control_group : std::string();
    return reply_with(self, m, [&](sd_bus_message* reply) {
      int r = sd_bus_message_open_container(reply, 'a', "(sus)");
      for (pid_t pid : pids) {
        std::string line;
        if (read_proc_cmdline(pid, line) < 0) continue;  // gone meanwhile
        if (r < 0) break;
        r = sd_bus_message_append(reply, "(sus)", cgroup.c_str(), static_cast<std::uint32_t>(pid),
                                  escape_invalid_utf8(line).c_str());
      }
      return r < 0 ? r : sd_bus_message_close_container(reply);
    });
  }

  static int resource_usage(sd_bus_message* m, void* userdata, sd_bus_error* error) {
    LinkServer& self = link(userdata);
    const char* name = nullptr;
    if (int r = sd_bus_message_read(m, "s", &name); r < 0) return r;
    std::string resolved;
    if (int r = authorize_service(self, m, rights::status, name, resolved, error); r < 0) return r;
    ResourceUsage usage;
    if (self.broker_.control().resource_usage(resolved, usage) < 0)
      return sd_bus_error_setf(error, error_names::kNoSuchService, "No service %s.", resolved.c_str());
    return reply_with(self, m, [&](sd_bus_message* reply) {
      return sd_bus_message_append(reply, "a{sv}", 3, "MemoryCurrent", "t", usage.memory_current_bytes,
                                   "TasksCurrent", "t", usage.tasks_current, "CPUUsageNSec", "t",
                                   usage.cpu_usage_nsec);
    });
  }

  // -- manager capabilities --
  static int list_services(sd_bus_message* m, void* userdata, sd_bus_error* error) {
    LinkServer& self = link(userdata);
    BrokerResult result = authorize_manager(self, m, rights::list);
    if (!result.ok()) return reply_error(error, result);
    return reply_with(self, m, [&](sd_bus_message* reply) {
      return append_service_list(reply, self.broker_.control().list());
    });
  }
  static int list_service_properties(sd_bus_message* m, void* userdata, sd_bus_error* error) {
    LinkServer& self = link(userdata);
    BrokerResult result = authorize_manager(self, m, rights::list);
    if (!result.ok()) return reply_error(error, result);
    return reply_with(self, m, [&](sd_bus_message* reply) {
      return append_service_table(reply, self.broker_.control().list());
    });
  }
  static int list_capabilities_of(sd_bus_message* m, void* userdata, sd_bus_error* error) {
    LinkServer& self = link(userdata);
    const char* name = nullptr;
    if (int r = sd_bus_message_read(m, "s", &name); r < 0) return r;
    std::vector<const Capability*> caps;
    BrokerResult result = self.broker_.capabilities_of(self.holder_, slot(m), name, caps);
    if (!result.ok()) return reply_error(error, result);
    return reply_with(self, m, [&](sd_bus_message* reply) {
      return append_capabilities_of(reply, capability_rows(caps));
    });
  }
  static int get_bus_rules(sd_bus_message* m, void* userdata, sd_bus_error* error) {
    LinkServer& self = link(userdata);
    BrokerResult result = authorize_manager(self, m, rights::list);
    if (!result.ok()) return reply_error(error, result);
    return reply_with(self, m, [&](sd_bus_message* reply) {
      return append_bus_rules(reply, bus_rule_texts(self.broker_.bus_rules()));
    });
  }
  static int watch(sd_bus_message* m, void* userdata, sd_bus_error* error) {
    LinkServer& self = link(userdata);
    BrokerResult result = authorize_manager(self, m, rights::watch);
    if (!result.ok()) return reply_error(error, result);
    self.broker_.watch(self.holder_, slot(m), self);
    return sd_bus_reply_method_return(m, "");
  }
  // Enablement: names in, systemd's change rows out (type "symlink" or
  // "unlink", the link, what it points to).
  static int unit_files_change(sd_bus_message* m, void* userdata, sd_bus_error* error, UnitFileOperation op) {
    LinkServer& self = link(userdata);
    std::vector<std::string> names;
    if (int r = read_names(m, names); r < 0) return r;
    std::vector<InstallChange> changes;
    BrokerResult result = self.broker_.change_unit_files(self.holder_, slot(m), op, names, changes);
    return reply_changes(self, m, result, changes, error);
  }
  // An `as` argument, read into `names` (0 or -errno).
  static int read_names(sd_bus_message* m, std::vector<std::string>& names) {
    char** raw = nullptr;
    if (int r = sd_bus_message_read_strv(m, &raw); r < 0) return r;
    for (char** n = raw; n && *n; ++n) {
      names.emplace_back(*n);
      free(*n);
    }
    free(raw);
    return 0;
  }
  // The reply of an enablement call: the broker's error, or the change rows.
  static int reply_changes(LinkServer& self, sd_bus_message* m, const BrokerResult& result,
                           const std::vector<InstallChange>& changes, sd_bus_error* error) {
    if (!result.ok()) return reply_error(error, result);
    return reply_with(self, m, [&](sd_bus_message* reply) { return append_changes(reply, changes); });
  }
  // systemd's change rows, a(sss).
  static int append_changes(sd_bus_message* reply, const std::vector<InstallChange>& changes) {
    int r = sd_bus_message_open_container(reply, 'a', "(sss)");
    for (const InstallChange& c : changes) {
      if (r < 0) break;
      r = sd_bus_message_append(reply, "(sss)", c.kind == InstallChange::Kind::symlink ? "symlink" : "unlink",
                                c.path.c_str(), c.target.c_str());
    }
    return r < 0 ? r : sd_bus_message_close_container(reply);
  }
  // PresetUnitFiles(as names, s mode), PresetAllUnitFiles(s mode).
  static int preset_unit_files(sd_bus_message* m, void* userdata, sd_bus_error* error) {
    LinkServer& self = link(userdata);
    const bool all = std::string_view(sd_bus_message_get_member(m)) == "PresetAllUnitFiles";
    std::vector<std::string> names;
    if (!all) {
      if (int r = read_names(m, names); r < 0) return r;
    }
    const char* mode_word = nullptr;
    if (int r = sd_bus_message_read(m, "s", &mode_word); r < 0) return r;
    auto mode = parse_preset_mode(mode_word);
    if (!mode) return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS, "unknown preset mode \"%s\"", mode_word);
    std::vector<InstallChange> changes;
    BrokerResult result = self.broker_.preset_unit_files(self.holder_, slot(m), names, all, *mode, changes);
    return reply_changes(self, m, result, changes, error);
  }
  static int set_default_target(sd_bus_message* m, void* userdata, sd_bus_error* error) {
    LinkServer& self = link(userdata);
    const char* name = nullptr;
    int force = 0;
    if (int r = sd_bus_message_read(m, "sb", &name, &force); r < 0) return r;
    std::vector<InstallChange> changes;
    BrokerResult result = self.broker_.set_default_target(self.holder_, slot(m), name, force != 0, changes);
    return reply_changes(self, m, result, changes, error);
  }
  static int get_unit_file_links(sd_bus_message* m, void* userdata, sd_bus_error* error) {
    LinkServer& self = link(userdata);
    const char* name = nullptr;
    int runtime = 0;
    if (int r = sd_bus_message_read(m, "sb", &name, &runtime); r < 0) return r;
    std::vector<std::string> links;
    BrokerResult result = self.broker_.unit_file_links(self.holder_, slot(m), name, runtime != 0, links);
    if (!result.ok()) return reply_error(error, result);
    return reply_with(self, m, [&](sd_bus_message* reply) {
      int r = sd_bus_message_open_container(reply, 'a', "s");
      for (const std::string& l : links) {
        if (r < 0) break;
        r = sd_bus_message_append_basic(reply, 's', l.c_str());
      }
      return r < 0 ? r : sd_bus_message_close_container(reply);
    });
  }
  static int get_service_by_pid(sd_bus_message* m, void* userdata, sd_bus_error* error) {
    LinkServer& self = link(userdata);
    std::uint32_t pid = 0;
    if (int r = sd_bus_message_read(m, "u", &pid); r < 0) return r;
    if (pid == 0 || pid > static_cast<std::uint32_t>(INT32_MAX))
      return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS, "%u is not a process ID", pid);
    std::string name;
    BrokerResult result = self.broker_.service_of_process(self.holder_, slot(m), static_cast<pid_t>(pid), name);
    if (!result.ok()) return reply_error(error, result);
    return sd_bus_reply_method_return(m, "s", name.c_str());
  }
  static int enable_unit_files(sd_bus_message* m, void* u, sd_bus_error* e) {
    return unit_files_change(m, u, e, UnitFileOperation::enable);
  }
  static int disable_unit_files(sd_bus_message* m, void* u, sd_bus_error* e) {
    return unit_files_change(m, u, e, UnitFileOperation::disable);
  }
  static int reenable_unit_files(sd_bus_message* m, void* u, sd_bus_error* e) {
    return unit_files_change(m, u, e, UnitFileOperation::reenable);
  }
  static int mask_unit_files(sd_bus_message* m, void* u, sd_bus_error* e) {
    return unit_files_change(m, u, e, UnitFileOperation::mask);
  }
  static int unmask_unit_files(sd_bus_message* m, void* u, sd_bus_error* e) {
    return unit_files_change(m, u, e, UnitFileOperation::unmask);
  }
  static int get_unit_file_state(sd_bus_message* m, void* userdata, sd_bus_error* error) {
    LinkServer& self = link(userdata);
    const char* name = nullptr;
    if (int r = sd_bus_message_read(m, "s", &name); r < 0) return r;
    UnitFileState state{};
    BrokerResult result = self.broker_.unit_file_state(self.holder_, slot(m), name, state);
    if (!result.ok()) return reply_error(error, result);
    return sd_bus_reply_method_return(m, "s", to_string(state));
  }
  static int get_default_target(sd_bus_message* m, void* userdata, sd_bus_error* error) {
    LinkServer& self = link(userdata);
    std::string name;
    BrokerResult result = self.broker_.default_target(self.holder_, slot(m), name);
    if (!result.ok()) return reply_error(error, result);
    return sd_bus_reply_method_return(m, "s", name.c_str());
  }
  static int list_unit_files(sd_bus_message* m, void* userdata, sd_bus_error* error) {
    LinkServer& self = link(userdata);
    std::map<std::string, UnitFileState> files;
    BrokerResult result = self.broker_.unit_files(self.holder_, slot(m), files);
    if (!result.ok()) return reply_error(error, result);
    return reply_with(self, m, [&](sd_bus_message* reply) {
      int r = sd_bus_message_open_container(reply, 'a', "(ss)");
      for (const auto& [name, state] : files) {
        if (r < 0) break;
        r = sd_bus_message_append(reply, "(ss)", name.c_str(), to_string(state));
      }
      return r < 0 ? r : sd_bus_message_close_container(reply);
    });
  }
  static int list_unit_file_paths(sd_bus_message* m, void* userdata, sd_bus_error* error) {
    LinkServer& self = link(userdata);
    std::vector<Broker::UnitFileRow> files;
    BrokerResult result = self.broker_.unit_file_paths(self.holder_, slot(m), files);
    if (!result.ok()) return reply_error(error, result);
    return reply_with(self, m, [&](sd_bus_message* reply) {
      int r = sd_bus_message_open_container(reply, 'a', "(sss)");
      for (const auto& row : files) {
        if (r < 0) break;
        r = sd_bus_message_append(reply, "(sss)", row.path.c_str(), to_string(row.state), row.preset.c_str());
      }
      return r < 0 ? r : sd_bus_message_close_container(reply);
    });
  }
  static int get_manager_properties(sd_bus_message* m, void* userdata, sd_bus_error* error) {
    LinkServer& self = link(userdata);
    BrokerResult result = authorize_manager(self, m, rights::list);
    if (!result.ok()) return reply_error(error, result);
    // Not a structured binding: clang 14 (the fuzz preset) cannot capture one.
    const std::pair<std::uint64_t, std::uint64_t> started = self.broker_.control().started_at();
    const std::vector<std::string> environment = self.broker_.control().manager_environment();
    const std::vector<std::string> unit_path = self.broker_.control().unit_path();
    const std::string tainted = self.broker_.control().tainted();
    return reply_with(self, m, [&](sd_bus_message* reply) {
      int r = sd_bus_message_open_container(reply, 'a', "{sv}");
      if (r >= 0)
        r = sd_bus_message_append(reply, "{sv}{sv}{sv}", "UserspaceTimestamp", "t", started.first,
                                  "UserspaceTimestampMonotonic", "t", started.second, "Tainted", "s",
                                  tainted.c_str());
      for (const auto& [key, list] : {std::pair{"Environment", &environment}, std::pair{"UnitPath", &unit_path}}) {
        if (r >= 0) r = sd_bus_message_open_container(reply, 'e', "sv");
        if (r >= 0) r = sd_bus_message_append_basic(reply, 's', key);
        if (r >= 0) r = sd_bus_message_open_container(reply, 'v', "as");
        if (r >= 0) r = append_strings(reply, *list);
        if (r >= 0) r = sd_bus_message_close_container(reply);
        if (r >= 0) r = sd_bus_message_close_container(reply);
      }
      return r < 0 ? r : sd_bus_message_close_container(reply);
    });
  }
  // The bridge's report of D-Bus name owners (right `bus-names`): a{ss}
  // well-known name -> owner's unique name ("" for none), and whether the
  // list is every owned name. Each name is checked before any is used.
  static int bus_name_owners_changed(sd_bus_message* m, void* userdata, sd_bus_error* error) {
    LinkServer& self = link(userdata);
    BrokerResult result = authorize_manager(self, m, rights::bus_names);
    if (!result.ok()) return reply_error(error, result);
    std::vector<std::pair<std::string, std::string>> owners;
    int r = sd_bus_message_enter_container(m, 'a', "{ss}");
    const char* name = nullptr;
    const char* owner = nullptr;
    while (r >= 0 && (r = sd_bus_message_read(m, "{ss}", &name, &owner)) > 0) {
      if (!is_well_known_bus_name(name))
        return sd_bus_error_setf(error, error_names::kInvalidArgs, "owners: '%s' is not a well-known bus name", name);
      if (owner[0] != '\0' && !is_unique_bus_name(owner))
        return sd_bus_error_setf(error, error_names::kInvalidArgs, "owners: the owner of %s, '%s', is not a unique bus name",
                                 name, owner);
      owners.emplace_back(name, owner);
    }
    if (r >= 0) r = sd_bus_message_exit_container(m);
    int complete = 0;
    if (r >= 0) r = sd_bus_message_read(m, "b", &complete);
    if (r < 0) return r;
    self.broker_.control().bus_name_owners(owners, complete != 0);
    return sd_bus_reply_method_return(m, "");
  }
  static int reload_units(sd_bus_message* m, void* userdata, sd_bus_error* error) {
    LinkServer& self = link(userdata);
    BrokerResult result = authorize_manager(self, m, rights::reload);
    if (!result.ok()) return reply_error(error, result);
    if (self.in_flight_ >= self.broker_.limits().calls_in_flight_per_link) {
      self.broker_.audit("invoke", self.holder_, "slot=" + std::to_string(slot(m)), "denied (calls in flight)");
      return sd_bus_error_setf(error, error_names::kLimitsExceeded, "more than %zu calls in flight",
                               self.broker_.limits().calls_in_flight_per_link);
    }
    // The reply waits for the reload (systemd's daemon-reload answers once
    // it is done): a caller that starts a unit next sees the new files.
    // It goes out even if the reload revoked the capability: it was done.
    sd_bus_message_ref(m);
    ++self.in_flight_;
    self.broker_.control().reload_units([alive = self.self_, m] {
      LinkServer* link = *alive;
      if (link) --link->in_flight_;
      if (link && !link->closed_)
        drop_if_out_of_memory("a reload's reply", [&] {
          sd_bus_reply_method_return(m, "");
          link->check_queue();
        });
      sd_bus_message_unref(m);
    });
    return 1;  // the reply comes when the reload is done
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
    const Capability* cap = self.broker_.lookup(self.holder_, capability_slot(path));
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
};

namespace {

// Every callback sd-bus makes into the link runs guarded: out of memory
// fails that one call (common/out_of_memory.h).
template <sd_bus_message_handler_t Handler>
int guarded(sd_bus_message* m, void* userdata, sd_bus_error* error) {
  return call_guard("a link call", -ENOMEM, [&] { return Handler(m, userdata, error); });
}

template <sd_bus_property_get_t Getter>
int guarded_property(sd_bus* bus, const char* path, const char* interface, const char* property,
                     sd_bus_message* reply, void* userdata, sd_bus_error* error) {
  return call_guard("a link property", -ENOMEM,
                    [&] { return Getter(bus, path, interface, property, reply, userdata, error); });
}

template <sd_bus_object_find_t Find>
int guarded_find(sd_bus* bus, const char* path, const char* interface, void* userdata, void** found,
                 sd_bus_error* error) {
  return call_guard("a link object lookup", -ENOMEM,
                    [&] { return Find(bus, path, interface, userdata, found, error); });
}

template <sd_bus_node_enumerator_t Enumerate>
int guarded_enumerate(sd_bus* bus, const char* prefix, void* userdata, char*** nodes, sd_bus_error* error) {
  return call_guard("a link object listing", -ENOMEM,
                    [&] { return Enumerate(bus, prefix, userdata, nodes, error); });
}

constexpr uint64_t kUnprivileged = SD_BUS_VTABLE_UNPRIVILEGED;

const sd_bus_vtable kLinkVtable[] = {
    SD_BUS_VTABLE_START(0),
    SD_BUS_METHOD_WITH_NAMES("ListCapabilities", "", , "a(usssto)",
                             SD_BUS_PARAM(capabilities),
                             &guarded<&LinkServer::Calls::list_capabilities>, kUnprivileged),
    SD_BUS_SIGNAL_WITH_NAMES("CapabilityReceived", "usssto",
                             SD_BUS_PARAM(slot) SD_BUS_PARAM(kind) SD_BUS_PARAM(object) SD_BUS_PARAM(rights)
                                 SD_BUS_PARAM(badge) SD_BUS_PARAM(path),
                             0),
    SD_BUS_SIGNAL_WITH_NAMES("Revoked", "u", SD_BUS_PARAM(slot), 0),
    SD_BUS_SIGNAL_WITH_NAMES("Connection", "ht", SD_BUS_PARAM(socket) SD_BUS_PARAM(badge), 0),
    SD_BUS_SIGNAL("Reloaded", "", 0),
    SD_BUS_SIGNAL("UnitFilesChanged", "", 0),
    SD_BUS_SIGNAL_WITH_NAMES("JobQueued", "t", SD_BUS_PARAM(call), 0),
    SD_BUS_SIGNAL_WITH_NAMES("ServicePropertiesChanged", "sa{sv}", SD_BUS_PARAM(name) SD_BUS_PARAM(properties), 0),
    SD_BUS_SIGNAL_WITH_NAMES("ServiceStateChanged", "sss",
                             SD_BUS_PARAM(name) SD_BUS_PARAM(active_state) SD_BUS_PARAM(sub_state), 0),
    SD_BUS_VTABLE_END};

const sd_bus_vtable kCapabilityVtable[] = {
    SD_BUS_VTABLE_START(0),
    SD_BUS_PROPERTY("Slot", "u", &guarded_property<&LinkServer::Calls::property>, 0, SD_BUS_VTABLE_PROPERTY_CONST),
    SD_BUS_PROPERTY("Kind", "s", &guarded_property<&LinkServer::Calls::property>, 0, SD_BUS_VTABLE_PROPERTY_CONST),
    SD_BUS_PROPERTY("Object", "s", &guarded_property<&LinkServer::Calls::property>, 0, SD_BUS_VTABLE_PROPERTY_CONST),
    SD_BUS_PROPERTY("Rights", "s", &guarded_property<&LinkServer::Calls::property>, 0, SD_BUS_VTABLE_PROPERTY_CONST),
    SD_BUS_PROPERTY("Badge", "t", &guarded_property<&LinkServer::Calls::property>, 0, SD_BUS_VTABLE_PROPERTY_CONST),
    SD_BUS_METHOD_WITH_NAMES("Derive", "s", SD_BUS_PARAM(rights), "uo", SD_BUS_PARAM(slot) SD_BUS_PARAM(path),
                             &guarded<&LinkServer::Calls::derive>, kUnprivileged),
    SD_BUS_METHOD("Revoke", "", "", &guarded<&LinkServer::Calls::revoke>, kUnprivileged),
    SD_BUS_METHOD("Drop", "", "", &guarded<&LinkServer::Calls::drop>, kUnprivileged),
    SD_BUS_VTABLE_END};

const sd_bus_vtable kServiceVtable[] = {
    SD_BUS_VTABLE_START(0),
    SD_BUS_METHOD_WITH_NAMES("Status", "s", SD_BUS_PARAM(name), "sssuuis",
                             SD_BUS_PARAM(active_state) SD_BUS_PARAM(sub_state) SD_BUS_PARAM(result)
                                 SD_BUS_PARAM(main_pid) SD_BUS_PARAM(n_restarts)
                                     SD_BUS_PARAM(exec_main_status) SD_BUS_PARAM(description),
                             &guarded<&LinkServer::Calls::status>, kUnprivileged),
    SD_BUS_METHOD_WITH_NAMES("Start", "s", SD_BUS_PARAM(name), "", ,
                             &guarded<&LinkServer::Calls::start>, kUnprivileged),
    SD_BUS_METHOD_WITH_NAMES("Stop", "s", SD_BUS_PARAM(name), "", , &guarded<&LinkServer::Calls::stop>, kUnprivileged),
    SD_BUS_METHOD_WITH_NAMES("Restart", "s", SD_BUS_PARAM(name), "", ,
                             &guarded<&LinkServer::Calls::restart>, kUnprivileged),
    SD_BUS_METHOD_WITH_NAMES("Reload", "s", SD_BUS_PARAM(name), "", ,
                             &guarded<&LinkServer::Calls::reload>, kUnprivileged),
    SD_BUS_METHOD_WITH_NAMES("EnqueueJob", "sss", SD_BUS_PARAM(name) SD_BUS_PARAM(type) SD_BUS_PARAM(mode), "", ,
                             &guarded<&LinkServer::Calls::enqueue_job>, kUnprivileged),
    SD_BUS_METHOD_WITH_NAMES("Kill", "si", SD_BUS_PARAM(name) SD_BUS_PARAM(signal), "", ,
                             &guarded<&LinkServer::Calls::kill>,
                             kUnprivileged),
    SD_BUS_METHOD_WITH_NAMES("KillProcess", "ssi", SD_BUS_PARAM(name) SD_BUS_PARAM(whom) SD_BUS_PARAM(signal), "", ,
                             &guarded<&LinkServer::Calls::kill_process>, kUnprivileged),
    SD_BUS_METHOD_WITH_NAMES("ResetFailed", "s", SD_BUS_PARAM(name), "", ,
                             &guarded<&LinkServer::Calls::reset_failed>, kUnprivileged),
    SD_BUS_METHOD_WITH_NAMES("CancelJob", "s", SD_BUS_PARAM(name), "", ,
                             &guarded<&LinkServer::Calls::cancel_job>, kUnprivileged),
    SD_BUS_METHOD_WITH_NAMES("GetLogs", "su", SD_BUS_PARAM(name) SD_BUS_PARAM(lines), "a(ts)", SD_BUS_PARAM(lines),
                             &guarded<&LinkServer::Calls::logs>, kUnprivileged),
    SD_BUS_METHOD_WITH_NAMES("GetProcesses", "s", SD_BUS_PARAM(name), "a(sus)", SD_BUS_PARAM(processes),
                             &guarded<&LinkServer::Calls::processes>, kUnprivileged),
    SD_BUS_METHOD_WITH_NAMES("GetResourceUsage", "s", SD_BUS_PARAM(name), "a{sv}", SD_BUS_PARAM(counters),
                             &guarded<&LinkServer::Calls::resource_usage>, kUnprivileged),
    SD_BUS_VTABLE_END};

const sd_bus_vtable kManagerVtable[] = {
    SD_BUS_VTABLE_START(0),
    SD_BUS_METHOD_WITH_NAMES("ListServices", "", , "a(ssss)", SD_BUS_PARAM(services),
                             &guarded<&LinkServer::Calls::list_services>, kUnprivileged),
    SD_BUS_METHOD_WITH_NAMES("ListServiceProperties", "", , "a(sa{sv})", SD_BUS_PARAM(services),
                             &guarded<&LinkServer::Calls::list_service_properties>, kUnprivileged),
    SD_BUS_METHOD_WITH_NAMES("ListCapabilitiesOf", "s", SD_BUS_PARAM(name), "a(ussst)", SD_BUS_PARAM(capabilities),
                             &guarded<&LinkServer::Calls::list_capabilities_of>, kUnprivileged),
    SD_BUS_METHOD_WITH_NAMES("GetBusRules", "", , "a(asasssss)", SD_BUS_PARAM(rules),
                             &guarded<&LinkServer::Calls::get_bus_rules>, kUnprivileged),
    SD_BUS_METHOD("Watch", "", "", &guarded<&LinkServer::Calls::watch>, kUnprivileged),
    SD_BUS_METHOD("Reload", "", "", &guarded<&LinkServer::Calls::reload_units>, kUnprivileged),
    SD_BUS_METHOD_WITH_NAMES("BusNameOwnersChanged", "a{ss}b", SD_BUS_PARAM(owners) SD_BUS_PARAM(complete), "", ,
                             &guarded<&LinkServer::Calls::bus_name_owners_changed>, kUnprivileged),
    SD_BUS_METHOD_WITH_NAMES("Isolate", "s", SD_BUS_PARAM(name), "", , &guarded<&LinkServer::Calls::isolate>,
                             kUnprivileged),
    SD_BUS_METHOD_WITH_NAMES("EnableUnitFiles", "as", SD_BUS_PARAM(names), "a(sss)", SD_BUS_PARAM(changes),
                             &guarded<&LinkServer::Calls::enable_unit_files>, kUnprivileged),
    SD_BUS_METHOD_WITH_NAMES("DisableUnitFiles", "as", SD_BUS_PARAM(names), "a(sss)", SD_BUS_PARAM(changes),
                             &guarded<&LinkServer::Calls::disable_unit_files>, kUnprivileged),
    SD_BUS_METHOD_WITH_NAMES("ReenableUnitFiles", "as", SD_BUS_PARAM(names), "a(sss)", SD_BUS_PARAM(changes),
                             &guarded<&LinkServer::Calls::reenable_unit_files>, kUnprivileged),
    SD_BUS_METHOD_WITH_NAMES("MaskUnitFiles", "as", SD_BUS_PARAM(names), "a(sss)", SD_BUS_PARAM(changes),
                             &guarded<&LinkServer::Calls::mask_unit_files>, kUnprivileged),
    SD_BUS_METHOD_WITH_NAMES("UnmaskUnitFiles", "as", SD_BUS_PARAM(names), "a(sss)", SD_BUS_PARAM(changes),
                             &guarded<&LinkServer::Calls::unmask_unit_files>, kUnprivileged),
    SD_BUS_METHOD_WITH_NAMES("GetUnitFileState", "s", SD_BUS_PARAM(name), "s", SD_BUS_PARAM(state),
                             &guarded<&LinkServer::Calls::get_unit_file_state>, kUnprivileged),
    SD_BUS_METHOD_WITH_NAMES("GetDefaultTarget", "", , "s", SD_BUS_PARAM(name),
                             &guarded<&LinkServer::Calls::get_default_target>, kUnprivileged),
    SD_BUS_METHOD_WITH_NAMES("ListUnitFiles", "", , "a(ss)", SD_BUS_PARAM(files),
                             &guarded<&LinkServer::Calls::list_unit_files>, kUnprivileged),
    SD_BUS_METHOD_WITH_NAMES("ListUnitFilePaths", "", , "a(sss)", SD_BUS_PARAM(files),
                             &guarded<&LinkServer::Calls::list_unit_file_paths>, kUnprivileged),
    SD_BUS_METHOD_WITH_NAMES("PresetUnitFiles", "ass", SD_BUS_PARAM(names) SD_BUS_PARAM(mode), "a(sss)",
                             SD_BUS_PARAM(changes), &guarded<&LinkServer::Calls::preset_unit_files>, kUnprivileged),
    SD_BUS_METHOD_WITH_NAMES("PresetAllUnitFiles", "s", SD_BUS_PARAM(mode), "a(sss)", SD_BUS_PARAM(changes),
                             &guarded<&LinkServer::Calls::preset_unit_files>, kUnprivileged),
    SD_BUS_METHOD_WITH_NAMES("SetDefaultTarget", "sb", SD_BUS_PARAM(name) SD_BUS_PARAM(force), "a(sss)", SD_BUS_PARAM(changes),
                             &guarded<&LinkServer::Calls::set_default_target>, kUnprivileged),
    SD_BUS_METHOD_WITH_NAMES("GetServiceByPID", "u", SD_BUS_PARAM(pid), "s", SD_BUS_PARAM(name),
                             &guarded<&LinkServer::Calls::get_service_by_pid>, kUnprivileged),
    SD_BUS_METHOD_WITH_NAMES("GetUnitFileLinks", "sb", SD_BUS_PARAM(name) SD_BUS_PARAM(runtime), "as",
                             SD_BUS_PARAM(links), &guarded<&LinkServer::Calls::get_unit_file_links>, kUnprivileged),
    SD_BUS_METHOD_WITH_NAMES("GetManagerProperties", "", , "a{sv}", SD_BUS_PARAM(properties),
                             &guarded<&LinkServer::Calls::get_manager_properties>, kUnprivileged),
    SD_BUS_VTABLE_END};

const sd_bus_vtable kEndpointVtable[] = {
    SD_BUS_VTABLE_START(0),
    SD_BUS_METHOD_WITH_NAMES("Connect", "", , "h", SD_BUS_PARAM(socket),
                             &guarded<&LinkServer::Calls::connect>, kUnprivileged),
    SD_BUS_METHOD_WITH_NAMES("Grant", "us", SD_BUS_PARAM(slot) SD_BUS_PARAM(rights), "u", SD_BUS_PARAM(receiver_slot),
                             &guarded<&LinkServer::Calls::grant>, kUnprivileged),
    SD_BUS_VTABLE_END};

const sd_bus_vtable kFdVtable[] = {
    SD_BUS_VTABLE_START(0),
    SD_BUS_METHOD_WITH_NAMES("Open", "", , "h", SD_BUS_PARAM(fd), &guarded<&LinkServer::Calls::open>, kUnprivileged),
    SD_BUS_VTABLE_END};

}  // namespace

// Every object of the link: its root, and one object per slot whose
// interfaces follow the capability's kind (found on each call, so a slot
// that is gone answers nothing).
template <CapabilityKind kind>
constexpr sd_bus_object_find_t kFind = &guarded_find<&LinkServer::Calls::find<static_cast<int>(kind)>>;

int LinkServer::add_objects() {
  int r = 0;
  if ((r = sd_bus_add_object_vtable(bus_, nullptr, kLinkPath, kLinkInterface, kLinkVtable, this)) < 0) return r;
  struct {
    const char* interface;
    const sd_bus_vtable* vtable;
    sd_bus_object_find_t find;
  } const kinds[] = {
      {kCapabilityInterface, kCapabilityVtable, &guarded_find<&Calls::find<-1>>},
      {kServiceCapabilityInterface, kServiceVtable, kFind<CapabilityKind::service>},
      {kManagerCapabilityInterface, kManagerVtable, kFind<CapabilityKind::manager>},
      {kEndpointCapabilityInterface, kEndpointVtable, kFind<CapabilityKind::endpoint>},
      {kFdCapabilityInterface, kFdVtable, &guarded_find<&Calls::find<static_cast<int>(CapabilityKind::fd)>>},
  };
  for (const auto& k : kinds) {
    r = sd_bus_add_fallback_vtable(bus_, nullptr, kCapabilityPathPrefix, k.interface, k.vtable, k.find, this);
    if (r < 0) return r;
  }
  r = sd_bus_add_node_enumerator(bus_, nullptr, kCapabilityPathPrefix, &guarded_enumerate<&Calls::enumerate>, this);
  if (r < 0) return r;
  return 0;
}

}  // namespace vermilion
