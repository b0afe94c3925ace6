#include "exec/private_tmp.h"

#include <sys/stat.h>
#include <unistd.h>

#include <systemd/sd-id128.h>

#include <cerrno>
#include <cstdlib>
#include <vector>

#include "platform/remove_tree.h"

namespace vermilion {
namespace {

// systemd's setup_one_tmp_dir(): PREFIX/systemd-private-BOOTID-UNIT-XXXXXX
// (0700) holding tmp (1777, whatever the umask).
int make_one(const std::string& prefix, const std::string& unit, const std::string& boot_id, std::string& out) {
  std::string path = prefix + "/systemd-private-" + boot_id + "-" + unit + "-XXXXXX";
  std::vector<char> buffer(path.begin(), path.end());
  buffer.push_back('\0');
  if (!mkdtemp(buffer.data())) return -errno;
  out = buffer.data();
  const std::string inner = out + "/tmp";
  if (chmod(out.c_str(), 0700) < 0 || mkdir(inner.c_str(), 0700) < 0 || chmod(inner.c_str(), 01777) < 0) {
    int r = -errno;
    remove_tree(out);
    out.clear();
    return r;
  }
  return 0;
}

}  // namespace

int create_private_tmp(const std::string& unit, PrivateTmp& out, const std::string& tmp_prefix,
                       const std::string& var_tmp_prefix) {
  sd_id128_t boot{};
  if (int r = sd_id128_get_boot(&boot); r < 0) return r;
  char boot_id[SD_ID128_STRING_MAX];
  sd_id128_to_string(boot, boot_id);
  PrivateTmp dirs;
  if (int r = make_one(tmp_prefix, unit, boot_id, dirs.tmp_root); r < 0) return r;
  if (int r = make_one(var_tmp_prefix, unit, boot_id, dirs.var_tmp_root); r < 0) {
    remove_tree(dirs.tmp_root);
    return r;
  }
  out = std::move(dirs);
  return 0;
}

pid_t remove_private_tmp(const PrivateTmp& dirs) {
  std::vector<std::string> roots;
  for (const std::string* root : {&dirs.tmp_root, &dirs.var_tmp_root})
    if (!root->empty()) roots.push_back(*root);
  return remove_trees_async(roots);
}

}  // namespace vermilion
