#!/bin/bash
# Records what systemd 252 does for each conformance case, as the case's
# `expected` file, which the ctest `conformance_test` holds vermiliond to.
# Run it (as root, on a machine with systemd 252 installed but not
# necessarily running as init) whenever a case is added or changed:
#
#   tests/conformance/record-systemd.sh                  # every case
#   tests/conformance/record-systemd.sh CASE_DIR...      # some
#
# How systemd runs here (issue 12, "Measured against systemd itself"): a
# `systemd --user` per case, inside `unshare --mount` with a tmpfs on
# /run/systemd holding an empty system/ directory (so nothing mistakes this
# machine for a systemd-booted one), started inside a fresh cgroup v2 of its
# own (a user manager started in the cgroup root would move every process
# of that root into its init.scope), with its unit path, HOME, XDG
# directories and runtime directory in a scratch directory, and driven
# through its private socket with `systemctl --user`. The case format is
# tests/conformance/README.md; the same steps are interpreted by
# conformance_test.cpp against vermiliond.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
self="$here/$(basename "$0")"
cases_dir="$here/cases"

# ---- outside: one sandbox per case ------------------------------------------
if [ "${1-}" != --inside ]; then
  [ "$(id -u)" = 0 ] || { echo "run as root (unshare --mount, cgroups)" >&2; exit 1; }
  systemd --version | head -1 | grep -q '^systemd 252' ||
    echo "warning: this is not systemd 252; the recorded values may differ" >&2
  cgroot=$(awk '$9 == "cgroup2" { print $5; exit }' /proc/self/mountinfo)
  [ -n "$cgroot" ] || { echo "no cgroup2 mount found" >&2; exit 1; }
  if [ $# -eq 0 ]; then set -- "$cases_dir"/*/; fi
  status=0
  for case_dir in "$@"; do
    case_dir=$(cd "$case_dir" && pwd)
    name=$(basename "$case_dir")
    cg="$cgroot/vermilion-oracle-$$-$name"
    mkdir "$cg"
    log=$(mktemp)
    if unshare --mount --propagation private "$self" --inside "$case_dir" "$cg" >"$case_dir/expected.new" 2>"$log"; then
      mv "$case_dir/expected.new" "$case_dir/expected"
      echo "recorded $name"
    else
      echo "FAILED $name (log follows)" >&2
      cat "$log" >&2
      rm -f "$case_dir/expected.new"
      status=1
    fi
    rm -f "$log"
    # Whatever the case left running ends with its cgroup.
    echo 1 >"$cg/cgroup.kill" 2>/dev/null || true
    for _ in $(seq 100); do
      [ -z "$(find "$cg" -name cgroup.procs -exec cat {} + 2>/dev/null)" ] && break
      sleep 0.05
    done
    find "$cg" -depth -type d -exec rmdir {} + 2>/dev/null || true
  done
  exit $status
fi

# ---- inside the mount namespace: one case -------------------------------------
case_dir=$2
cg=$3
echo $$ >"$cg/cgroup.procs"

mount -t tmpfs -o mode=755 tmpfs /run/systemd
mkdir /run/systemd/system
# Shared, as on a machine systemd booted (its mount_setup() makes / shared),
# so that what a helper of systemd mounts in a namespace of its own reaches
# the manager (the credential store is moved into place that way); new peer
# groups, so nothing reaches the machine's own namespace.
mount --make-rshared /

work=$(mktemp -d /tmp/vermilion-oracle.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/units" "$work/runtime" "$work/home/.config" "$work/home/.cache" \
  "$work/home/.local/share" "$work/home/.local/state" "$work/scratch"
chmod 700 "$work/runtime"

# Placeholders a case's files use for the paths that differ between runs.
declare -A place=(
  [@SCRATCH@]="$work/scratch" [@RUNTIME@]="$work/runtime" [@HOME@]="$work/home"
  [@CONFIG@]="$work/home/.config" [@CACHE@]="$work/home/.cache" [@UNITS@]="$work/units"
)
fill_in() {
  local text
  text=$(cat)
  for key in "${!place[@]}"; do text=${text//"$key"/"${place[$key]}"}; done
  printf '%s\n' "$text"
}
# Back to placeholders, longest path first so @CONFIG@ wins over @HOME@.
generalize() {
  sed -e "s|$work/units|@UNITS@|g" -e "s|$work/home/.config|@CONFIG@|g" -e "s|$work/home/.cache|@CACHE@|g" \
    -e "s|$work/home|@HOME@|g" -e "s|$work/runtime|@RUNTIME@|g" -e "s|$work/scratch|@SCRATCH@|g"
}

# The helpers every case may use (tests/conformance/helpers) go to
# @SCRATCH@ first; a case's own file of the same name replaces one.
for f in "$here/helpers"/*; do
  fill_in <"$f" >"$work/scratch/$(basename "$f")"
done
# Unit files (and drop-in directories) go to the unit path, anything else
# (helper scripts) to @SCRATCH@; placeholders are filled in everywhere.
for f in "$case_dir"/*; do
  base=$(basename "$f")
  case "$base" in
    steps | expected | expected.new | README*) ;;
    *.d)
      mkdir -p "$work/units/$base"
      for g in "$f"/*; do fill_in <"$g" >"$work/units/$base/$(basename "$g")"; done ;;
    *.wants | *.requires)
      # What `systemctl enable` makes: symlinks, copied as they are.
      mkdir -p "$work/units/$base"
      cp -P "$f"/* "$work/units/$base/" ;;
    *.service | *.target) fill_in <"$f" >"$work/units/$base" ;;
    *) fill_in <"$f" >"$work/scratch/$base" ;;
  esac
done
# What a user manager needs to run anything (DefaultDependencies=): empty
# targets, unless the case brings its own.
for target in default basic shutdown exit; do
  [ -e "$work/units/$target.target" ] || printf '[Unit]\nDescription=%s\n' "$target" >"$work/units/$target.target"
done

export HOME="$work/home" XDG_RUNTIME_DIR="$work/runtime" SYSTEMD_UNIT_PATH="$work/units"
export XDG_CONFIG_HOME="$work/home/.config" XDG_CACHE_HOME="$work/home/.cache"
export XDG_DATA_HOME="$work/home/.local/share" XDG_STATE_HOME="$work/home/.local/state"
unset DBUS_SESSION_BUS_ADDRESS SYSTEMCTL_FORCE_BUS || true

# Directives about the manager itself come first in `steps`.
manager_wrap=()
while read -r -a w; do
  case "${w[0]-}" in
    manager-nofile-hard) ulimit -Sn "${w[1]}"; ulimit -Hn "${w[1]}" ;;
    manager-setenv) export "${w[1]}" ;;
    manager-utmp)
      # utmp and wtmp of the namespace's own (UtmpIdentifier=), empty: a
      # tmpfs on /run (with /run/systemd/system again) and on /var/log.
      mount -t tmpfs -o mode=755 tmpfs /run
      mkdir -p /run/systemd/system
      mount -t tmpfs -o mode=755 tmpfs /var/log
      install -m 0664 /dev/null /run/utmp
      install -m 0664 /dev/null /var/log/wtmp ;;
    manager-drop-capabilities)
      drop=""
      for cap in "${w[@]:1}"; do drop="$drop,-$cap"; done
      manager_wrap=(setpriv --bounding-set="${drop#,}" --inh-caps="${drop#,}") ;;
  esac
done <"$case_dir/steps"

SYSTEMD_LOG_TARGET=console SYSTEMD_LOG_LEVEL=debug "${manager_wrap[@]}" systemd --user >"$work/systemd.log" 2>&1 &
manager=$!
for _ in $(seq 200); do
  [ -S "$XDG_RUNTIME_DIR/systemd/private" ] && break
  sleep 0.05
done
[ -S "$XDG_RUNTIME_DIR/systemd/private" ] || { cat "$work/systemd.log" >&2; exit 1; }
sctl() { systemctl --user --no-ask-password "$@"; }
# Until the manager has finished its start-up job.
for _ in $(seq 200); do
  [ "$(sctl is-system-running 2>/dev/null)" = running ] && break
  sleep 0.05
done

now_ms() { echo $(($(date +%s%N) / 1000000)); }

# Values as conformance_test.cpp prints them.
show_value() {
  local unit=$1 prop=$2 v
  v=$(sctl show -p "$prop" --value "$unit")
  case "$prop" in
    ExecMainCode) case "$v" in 0) v=none ;; 1) v=exited ;; 2) v=killed ;; 3) v=dumped ;; esac ;;
    MainPID | ControlPID | ExecMainPID) [ "$v" = 0 ] || v=set ;;
    *Timestamp) if [ -n "$v" ]; then v=set; else v=0; fi ;;
    # Command lists: one "{ ... }" per line, joined by spaces, with times and
    # PIDs as "set" ("[n/a]" and pid=0 stay).
    ExecCondition* | ExecStart* | ExecReload* | ExecStop*)
      v=$(printf '%s' "$v" | tr '\n' ' ' |
        sed -E 's/(start|stop)_time=\[[^]n][^]]*\]/\1_time=[set]/g; s/pid=[1-9][0-9]*/pid=set/g') ;;
    # Lists of units, in no particular order in systemd: sorted, without the
    # slices (a unit type vermiliond does not run: README, "Units of other
    # types are not run").
    Requires | Wants | BindsTo | Requisite | After | Before | Conflicts | RequiredBy | WantedBy | ConflictedBy | \
    PartOf | ConsistsOf | BoundBy | RequisiteOf | OnFailureOf | OnSuccessOf | \
    PropagatesStopTo | StopPropagatedFrom | PropagatesReloadTo | ReloadPropagatedFrom | Upholds | UpheldBy)
      v=$(printf '%s\n' $v | grep -v '\.slice$' | sort | tr '\n' ' '); v=${v% } ;;
    # Paths, in hashmap order in systemd: sorted (a case names none with spaces).
    RequiresMountsFor) v=$(printf '%s\n' $v | sort | tr '\n' ' '); v=${v% } ;;
  esac
  printf '%s' "$v"
}

job() {  # job VERB UNIT [within SPAN]
  local verb=$1 unit=$2 start end result
  start=$(now_ms)
  if sctl "$verb" "$unit" >/dev/null 2>&1; then result=done; else result=failed; fi
  end=$(now_ms)
  if [ "${3-}" = within ]; then
    local limit_ms
    limit_ms=$(span_ms "$4")
    if [ $((end - start)) -le "$limit_ms" ]; then result="$result, within $4"; else result="$result, not within $4"; fi
  fi
  echo "$verb $unit: $result"
}

enqueue() {  # enqueue VERB UNIT MODE: queued without waiting, or systemd's refusal
  local out
  if out=$(sctl "$1" --no-block --job-mode="$3" "$2" 2>&1 >/dev/null); then
    echo "enqueue $1 $2 $3: queued"
  else
    out=$(printf '%s\n' "$out" | head -n 1)
    echo "enqueue $1 $2 $3: refused: ${out#"Failed to $1 $2: "}"
  fi
}

span_ms() {  # 300ms, 2s
  case "$1" in
    *ms) echo "${1%ms}" ;;
    *s) echo $((${1%s} * 1000)) ;;
    *) echo "bad span $1" >&2; exit 1 ;;
  esac
}

wait_until() {  # wait_until SECONDS COMMAND...: polls every 20 ms
  local deadline=$(($(now_ms) + $1 * 1000))
  shift
  while ! "$@"; do
    [ "$(now_ms)" -lt "$deadline" ] || return 1
    sleep 0.02
  done
}

# The records of a utmp or wtmp file, as conformance_test.cpp prints them
# (struct utmpx of x86-64 glibc, 384 bytes).
dump_utmp() {
  python3 - "$1" <<'PY'
import struct, sys
types = {0: "EMPTY", 1: "RUN_LVL", 2: "BOOT_TIME", 3: "NEW_TIME", 4: "OLD_TIME", 5: "INIT_PROCESS",
         6: "LOGIN_PROCESS", 7: "USER_PROCESS", 8: "DEAD_PROCESS", 9: "ACCOUNTING"}
text = lambda b: b.split(b"\0", 1)[0].decode()
data = open(sys.argv[1], "rb").read()
for at in range(0, len(data) - 383, 384):
    (kind, pid, line, ident, user, host, term, code, session, sec, usec) = struct.unpack_from(
        "<h2xi32s4s32s256shhiii", data, at)
    print(f"  | {types.get(kind, kind)} id={text(ident)} line={text(line)} user={text(user)} "
          f"pid={'set' if pid else 0} session={'pid' if session == pid else session} "
          f"exit={term}/{code} time={'set' if sec else 0}")
PY
}

has_lines() { [ -e "$1" ] && [ "$(wc -l <"$1")" -ge "$2" ]; }

in_state() { [ "$(sctl show -p ActiveState --value "$1")/$(sctl show -p SubState --value "$1")" = "$2" ]; }

while IFS= read -r line || [ -n "$line" ]; do
  line=$(printf '%s' "$line" | fill_in)
  read -r -a w <<<"$line"
  [ ${#w[@]} -eq 0 ] && continue
  case "${w[0]}" in
    '#'* | manager-*) ;;
    start | stop | restart | reload | isolate) job "${w[0]}" "${w[1]}" "${w[2]-}" "${w[3]-}" ;;
    enqueue) enqueue "${w[1]}" "${w[2]}" "${w[3]}" ;;
    touch) touch "${w[1]}" && echo "touch ${w[1]}: done" ;;
    append)  # append PATH TEXT...: a line added to PATH (its directory made)
      mkdir -p "$(dirname "${w[1]}")" && printf '%s\n' "${w[*]:2}" >>"${w[1]}" && echo "append ${w[1]}: done" ;;
    daemon-reload)
      if sctl daemon-reload; then echo "daemon-reload: done"; else echo "daemon-reload: failed"; fi ;;
    show)
      out="show ${w[1]}:"
      for prop in "${w[@]:2}"; do out="$out $prop=$(show_value "${w[1]}" "$prop")"; done
      echo "$out" ;;
    wait)
      if wait_until 20 in_state "${w[1]}" "${w[2]}"; then echo "wait ${w[1]} ${w[2]}: reached"
      else echo "wait ${w[1]} ${w[2]}: not reached"; fi ;;
    wait-file)
      if wait_until 20 test -e "${w[1]}"; then echo "wait-file ${w[1]}: present"
      else echo "wait-file ${w[1]}: absent"; fi ;;
    wait-lines)  # wait-lines PATH N: until the file has N lines
      if wait_until 20 has_lines "${w[1]}" "${w[2]}"; then echo "wait-lines ${w[1]} ${w[2]}: reached"
      else echo "wait-lines ${w[1]} ${w[2]}: not reached"; fi ;;
    link)  # link PATH: where a symlink points
      if [ -L "${w[1]}" ]; then echo "link ${w[1]}: -> $(readlink "${w[1]}")"
      elif [ -e "${w[1]}" ]; then echo "link ${w[1]}: not a symlink"
      else echo "link ${w[1]}: missing"; fi ;;
    wait-gone)  # wait-gone PATH: until PATH no longer exists
      if wait_until 20 test ! -e "${w[1]}"; then echo "wait-gone ${w[1]}: gone"
      else echo "wait-gone ${w[1]}: still there"; fi ;;
    alive)  # alive PIDFILE: whether that process still exists
      if kill -0 "$(cat "${w[1]}")" 2>/dev/null; then echo "alive ${w[1]}: yes"; else echo "alive ${w[1]}: no"; fi ;;
    file)
      if [ -e "${w[1]}" ]; then echo "file ${w[1]}:"; sed 's/^/  | /' "${w[1]}"
      else echo "file ${w[1]}: missing"; fi ;;
    utmp | wtmp)  # the records of /run/utmp or /var/log/wtmp (manager-utmp)
      f=/run/utmp; [ "${w[0]}" = wtmp ] && f=/var/log/wtmp
      echo "${w[0]}:"; dump_utmp "$f" ;;
    stat)
      if [ -e "${w[1]}" ]; then echo "stat ${w[1]}: $(stat -c '%F %a %U:%G' "${w[1]}")"
      else echo "stat ${w[1]}: missing"; fi ;;
    kill)  # kill UNIT SIGNAL main|all
      sctl kill --kill-who="${w[3]}" -s "${w[2]}" "${w[1]}" && echo "kill ${w[1]} ${w[2]} ${w[3]}: sent" ||
        echo "kill ${w[1]} ${w[2]} ${w[3]}: failed" ;;
    *) echo "unknown step: $line" >&2; exit 1 ;;
  esac
done < <(grep -v '^[[:space:]]*#' "$case_dir/steps") | generalize

# The cgroup is killed from outside once this script ends.
kill -KILL "$manager"
wait "$manager" 2>/dev/null || true
