// A ServiceControl over a plain table, for tests of the broker's users (the
// link, the bridge): services are what the test puts in `services`; jobs are
// recorded and finish when the test calls their `done`.
#pragma once

#include <cerrno>
#include <functional>
#include <map>
#include <new>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "broker/broker.h"
#include "units/preset_install.h"

namespace vermilion::testing {

class TableControl final : public ServiceControl {
 public:
  std::optional<ServiceStatus> status(const std::string& name) override {
    if (out_of_memory_in_status > 0 && out_of_memory_in_status-- > 0) throw std::bad_alloc();
    auto it = services.find(name);
    if (it == services.end()) return std::nullopt;
    return it->second;
  }
  std::vector<ServiceStatus> list() override {
    std::vector<ServiceStatus> out;
    for (const auto& [_, s] : services) out.push_back(s);
    return out;
  }
  EnqueueResult enqueue(JobType type, const std::string& name, std::function<void(JobResult)> done,
                        JobMode mode) override {
    if (!services.count(name)) return {EnqueueOutcome::not_found, name};
    if (refuse_as_destructive) return {EnqueueOutcome::destructive, name, "Transaction for " + name + " is destructive"};
    if (finish_at_once) {  // as a start of a unit already up: done inside enqueue()
      done(*finish_at_once);
      return {};
    }
    jobs.push_back({type, name, std::move(done), mode});
    return {};
  }
  int kill(const std::string& name, int sig) override {
    kills.emplace_back(name, sig);
    return 1;
  }
  // Each BusNameOwnersChanged as received: the owners, and whether complete.
  void bus_name_owners(const std::vector<std::pair<std::string, std::string>>& owners, bool complete) override {
    bus_name_reports.emplace_back(owners, complete);
  }
  std::vector<std::pair<std::vector<std::pair<std::string, std::string>>, bool>> bus_name_reports;
  std::vector<LogLine> logs(const std::string& name, std::size_t lines) override {
    asked_logs.emplace_back(name, lines);
    return log_lines;
  }
  // Counts the reload; the reply waits until finish_reloads() when
  // hold_reloads is set, as vermiliond's waits for its generators.
  void reload_units(std::function<void()> done) override {
    ++reloads;
    if (hold_reloads)
      held_reloads.push_back(std::move(done));
    else
      done();
  }
  void finish_reloads() {
    auto held = std::move(held_reloads);
    held_reloads.clear();
    for (auto& done : held) done();
  }
  bool hold_reloads = false;
  std::vector<std::function<void()>> held_reloads;
  // Enablement is real, on `install_paths` (empty: no unit files at all).
  int change_unit_files(UnitFileOperation op, const std::vector<std::string>& names,
                        std::vector<InstallChange>& changes, Diagnostics& diags) override {
    return UnitInstaller(install_paths).change(op, names, changes, diags);
  }
  int default_target(std::string&) override { return -ENOENT; }
  int processes(const std::string&, std::vector<pid_t>&) override { return -ENOENT; }
  // Each service's counters: `usage` for every service in `services`.
  int resource_usage(const std::string& name, ResourceUsage& out) override {
    if (!services.count(name)) return -ENOENT;
    out = usage;
    return 0;
  }
  ResourceUsage usage;
  std::string tainted() override { return taint; }
  std::string taint;
  std::optional<UnitFileState> unit_file_state(const std::string& name) override {
    return UnitInstaller(install_paths).state(name);
  }
  std::map<std::string, UnitFileState> unit_files() override { return UnitInstaller(install_paths).list(); }
  std::vector<std::pair<std::string, UnitFileState>> unit_file_paths() override {
    return UnitInstaller(install_paths).list_paths();
  }
  int service_of_process(pid_t pid, std::string& out) override {
    auto it = process_owners.find(pid);
    if (it == process_owners.end()) return -ESRCH;
    out = it->second;
    return 0;
  }
  // Presets are real too, from `presets`.
  std::optional<PresetAction> unit_file_preset(const std::string& name) override { return presets.query(name); }
  int preset_unit_files(const std::vector<std::string>& names, bool all, PresetMode mode,
                        std::vector<InstallChange>& changes, Diagnostics& diags) override {
    UnitInstaller installer(install_paths);
    return all ? apply_presets_to_all(installer, presets, mode, changes, diags)
               : apply_presets(installer, presets, names, mode, changes, diags);
  }
  int set_default_target(const std::string& name, bool force, std::vector<InstallChange>& changes,
                         Diagnostics& diags) override {
    return UnitInstaller(install_paths).set_default(name, force, changes, diags);
  }
  int unit_file_links(const std::string& name, bool runtime, std::vector<std::string>& out,
                      Diagnostics& diags) override {
    return UnitInstaller(install_paths).links_of({name}, runtime, out, diags);
  }
  // A failed service becomes inactive/dead with result success.
  int reset_failed(const std::string& name) override {
    auto it = services.find(name);
    if (it == services.end()) return -ENOENT;
    resets.push_back(name);
    if (it->second.active_state == "failed") {
      it->second.active_state = "inactive";
      it->second.sub_state = "dead";
    }
    it->second.result = "success";
    return 0;
  }

  // The service's recorded job ends canceled.
  int cancel_job(const std::string& name) override {
    if (!services.count(name)) return -ENOENT;
    for (auto it = jobs.begin(); it != jobs.end(); ++it) {
      if (it->name != name) continue;
      auto done = std::move(it->done);
      jobs.erase(it);
      if (done) done(JobResult::canceled);
      return 0;
    }
    return -ESRCH;
  }

  struct Job {
    JobType type;
    std::string name;
    std::function<void(JobResult)> done;
    JobMode mode;
  };
  bool refuse_as_destructive = false;  // enqueue() answers as a job mode that refuses
  std::optional<JobResult> finish_at_once;  // enqueue() ends the job with this at once
  std::map<std::string, ServiceStatus> services;
  std::vector<LogLine> log_lines;  // what logs() answers, whatever is asked
  std::vector<Job> jobs;
  std::vector<std::pair<std::string, int>> kills;
  std::vector<std::pair<std::string, std::size_t>> asked_logs;
  int reloads = 0;
  std::vector<std::string> resets;
  InstallPaths install_paths;
  std::map<pid_t, std::string> process_owners;  // service_of_process()
  UnitPresets presets;  // none: every unit "enabled", as systemd without preset files
  // status() fails this many times as an allocation inside it would.
  int out_of_memory_in_status = 0;
};

}  // namespace vermilion::testing
