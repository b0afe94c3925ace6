/* LD_PRELOAD shim standing in for a hung name service (a slow LDAP, a stuck
 * nscd): user and group database lookups made by the process it is loaded
 * into (not by that process's forked children) are written to
 * $VERMILION_NSS_LOG, and once the file $VERMILION_NSS_HANG_WHEN exists they
 * never return. Loaded into vermiliond, it shows that the supervisor makes no
 * such lookup after start-up: it keeps working while they would hang. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static pid_t loaded_in;

__attribute__((constructor)) static void remember_process(void) { loaded_in = getpid(); }

static void lookup(const char* function, const char* key) {
  if (getpid() != loaded_in) return; /* a forked child: allowed */
  const char* log = getenv("VERMILION_NSS_LOG");
  if (log) {
    int fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd >= 0) {
      char line[256];
      int n = snprintf(line, sizeof line, "%s %s\n", function, key);
      if (n > 0 && write(fd, line, (size_t)n) < 0) { /* nothing to do */ }
      close(fd);
    }
  }
  const char* trigger = getenv("VERMILION_NSS_HANG_WHEN");
  if (trigger && access(trigger, F_OK) == 0) {
    for (;;) pause();
  }
}

#define NEXT(name) ((__typeof__(&name))dlsym(RTLD_NEXT, #name))

static void number(char* out, size_t size, unsigned long value) { snprintf(out, size, "%lu", value); }

int getpwnam_r(const char* name, struct passwd* pwd, char* buf, size_t len, struct passwd** result) {
  lookup("getpwnam_r", name);
  return NEXT(getpwnam_r)(name, pwd, buf, len, result);
}

int getpwuid_r(uid_t uid, struct passwd* pwd, char* buf, size_t len, struct passwd** result) {
  char key[32];
  number(key, sizeof key, uid);
  lookup("getpwuid_r", key);
  return NEXT(getpwuid_r)(uid, pwd, buf, len, result);
}

int getgrnam_r(const char* name, struct group* grp, char* buf, size_t len, struct group** result) {
  lookup("getgrnam_r", name);
  return NEXT(getgrnam_r)(name, grp, buf, len, result);
}

int getgrgid_r(gid_t gid, struct group* grp, char* buf, size_t len, struct group** result) {
  char key[32];
  number(key, sizeof key, gid);
  lookup("getgrgid_r", key);
  return NEXT(getgrgid_r)(gid, grp, buf, len, result);
}

struct passwd* getpwnam(const char* name) {
  lookup("getpwnam", name);
  return NEXT(getpwnam)(name);
}

struct passwd* getpwuid(uid_t uid) {
  char key[32];
  number(key, sizeof key, uid);
  lookup("getpwuid", key);
  return NEXT(getpwuid)(uid);
}

struct group* getgrnam(const char* name) {
  lookup("getgrnam", name);
  return NEXT(getgrnam)(name);
}

struct group* getgrgid(gid_t gid) {
  char key[32];
  number(key, sizeof key, gid);
  lookup("getgrgid", key);
  return NEXT(getgrgid)(gid);
}

int getgrouplist(const char* user, gid_t group, gid_t* groups, int* ngroups) {
  lookup("getgrouplist", user);
  return NEXT(getgrouplist)(user, group, groups, ngroups);
}

int initgroups(const char* user, gid_t group) {
  lookup("initgroups", user);
  return NEXT(initgroups)(user, group);
}
