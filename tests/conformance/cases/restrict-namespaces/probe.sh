#!/bin/sh
# Which namespaces unshare(1) may make here, one line each (0: it could).
for kind in user net uts ipc mount pid cgroup; do
  case $kind in
    user) flag=-U ;; net) flag=-n ;; uts) flag=-u ;; ipc) flag=-i ;;
    mount) flag=-m ;; pid) flag=-p ;; cgroup) flag=-C ;;
  esac
  unshare $flag true 2>/dev/null
  echo "$kind $?"
done
