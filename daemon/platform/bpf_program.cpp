#include "platform/bpf_program.h"

#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace vermilion::bpf {
namespace {

long sys_bpf(int cmd, bpf_attr& attr) { return syscall(__NR_bpf, cmd, &attr, sizeof(attr)); }

std::uint64_t pointer_value(const void* p) { return static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(p)); }

// The ids of the programs of `type` attached to the cgroup itself (not
// those it inherits). 0 or -errno.
int attached_programs(int cgroup_fd, bpf_attach_type type, std::vector<std::uint32_t>& out) {
  out.assign(16, 0);
  for (;;) {
    bpf_attr attr{};
    attr.query.target_fd = static_cast<std::uint32_t>(cgroup_fd);
    attr.query.attach_type = type;
    attr.query.prog_ids = pointer_value(out.data());
    attr.query.prog_cnt = static_cast<std::uint32_t>(out.size());
    if (sys_bpf(BPF_PROG_QUERY, attr) == 0) {
      out.resize(attr.query.prog_cnt);
      return 0;
    }
    if (errno != ENOSPC || out.size() >= 4096) return -errno;
    out.assign(out.size() * 4, 0);
  }
}

}  // namespace

int load_program(bpf_prog_type type, const char* name, const std::vector<bpf_insn>& program, unique_fd& out,
                 std::string& error) {
  static const char kLicense[] = "GPL";
  bpf_attr attr{};
  attr.prog_type = type;
  attr.insns = pointer_value(program.data());
  attr.insn_cnt = static_cast<std::uint32_t>(program.size());
  attr.license = pointer_value(kLicense);
  std::strncpy(attr.prog_name, name, sizeof(attr.prog_name) - 1);
  out.reset(static_cast<int>(sys_bpf(BPF_PROG_LOAD, attr)));
  if (out) return 0;
  const int load_errno = errno;
  // Once more with the verifier's log, for the message.
  std::string log(16384, '\0');
  attr.log_level = 1;
  attr.log_buf = pointer_value(log.data());
  attr.log_size = static_cast<std::uint32_t>(log.size());
  unique_fd again(static_cast<int>(sys_bpf(BPF_PROG_LOAD, attr)));
  log.resize(std::strlen(log.c_str()));
  while (!log.empty() && log.back() == '\n') log.pop_back();
  error = std::string("loading the ") + name + " program: " + std::strerror(load_errno) +
          (log.empty() ? "" : " (" + log + ")");
  return -load_errno;
}

int replace_cgroup_program(int cgroup_fd, bpf_attach_type type, int program, bool replace, std::string& error) {
  std::vector<std::uint32_t> old;
  // Listed before the new one is attached, which is then not among them.
  const int listed = replace ? attached_programs(cgroup_fd, type, old) : 0;
  if (program >= 0) {
    bpf_attr attach{};
    attach.target_fd = static_cast<std::uint32_t>(cgroup_fd);
    attach.attach_bpf_fd = static_cast<std::uint32_t>(program);
    attach.attach_type = type;
    attach.attach_flags = BPF_F_ALLOW_MULTI;
    if (sys_bpf(BPF_PROG_ATTACH, attach) < 0) {
      const int e = errno;
      error = std::string("attaching the program to the cgroup: ") + std::strerror(e);
      return -e;
    }
  }
  if (listed < 0) {
    // The new filter is in place; an earlier one may still be there too.
    error = std::string("listing the cgroup's earlier programs: ") + std::strerror(-listed);
    return listed;
  }
  for (std::uint32_t id : old) {
    bpf_attr get{};
    get.prog_id = id;
    unique_fd fd(static_cast<int>(sys_bpf(BPF_PROG_GET_FD_BY_ID, get)));
    if (!fd && errno == ENOENT) continue;  // gone meanwhile
    if (!fd) {
      const int e = errno;
      error = std::string("taking hold of an earlier program: ") + std::strerror(e);
      return -e;
    }
    bpf_attr detach{};
    detach.target_fd = static_cast<std::uint32_t>(cgroup_fd);
    detach.attach_bpf_fd = static_cast<std::uint32_t>(fd.get());
    detach.attach_type = type;
    if (sys_bpf(BPF_PROG_DETACH, detach) < 0 && errno != ENOENT) {
      const int e = errno;
      error = std::string("detaching an earlier program: ") + std::strerror(e);
      return -e;
    }
  }
  return 0;
}

int create_lpm_trie(unsigned address_bytes, unsigned max_entries, unique_fd& out) {
  bpf_attr attr{};
  attr.map_type = BPF_MAP_TYPE_LPM_TRIE;
  attr.key_size = static_cast<std::uint32_t>(sizeof(std::uint32_t) + address_bytes);
  attr.value_size = sizeof(std::uint64_t);
  attr.max_entries = max_entries;
  attr.map_flags = BPF_F_NO_PREALLOC;
  out.reset(static_cast<int>(sys_bpf(BPF_MAP_CREATE, attr)));
  return out ? 0 : -errno;
}

int add_lpm_prefix(int map_fd, unsigned prefixlen, const std::uint8_t* address, unsigned address_bytes,
                   std::uint64_t value) {
  std::uint8_t key[sizeof(std::uint32_t) + 16] = {};
  const std::uint32_t length = prefixlen;
  std::memcpy(key, &length, sizeof(length));
  std::memcpy(key + sizeof(length), address, address_bytes);
  bpf_attr attr{};
  attr.map_fd = static_cast<std::uint32_t>(map_fd);
  attr.key = pointer_value(key);
  attr.value = pointer_value(&value);
  attr.flags = BPF_ANY;
  return sys_bpf(BPF_MAP_UPDATE_ELEM, attr) < 0 ? -errno : 0;
}

}  // namespace vermilion::bpf
