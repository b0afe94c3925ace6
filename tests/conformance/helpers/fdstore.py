# A service's side of the fd store (sd_pid_notify_with_fds(3)): first it
# writes what it was given (LISTEN_FDS/LISTEN_FDNAMES and what each fd
# reads, from the start of the file) to OUT; then each argument in turn:
#   store=NAME:PATH[,PATH...]  send FDSTORE=1 FDNAME=NAME with those files open
#   store-unnamed=PATH         the same without FDNAME=
#   remove=NAME                send FDSTOREREMOVE=1 FDNAME=NAME
#   ready                      send READY=1
#   exit=STATUS / sleep=SECONDS
import os
import socket
import sys
import time

out, actions = sys.argv[1], sys.argv[2:]


def send(message, fds=()):
    address = os.environ["NOTIFY_SOCKET"]
    if address.startswith("@"):
        address = "\0" + address[1:]
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as s:
        s.connect(address)
        socket.send_fds(s, [message.encode()], list(fds))


with open(out, "a") as report:
    count = int(os.environ.get("LISTEN_FDS", "0"))
    pid_ok = os.environ.get("LISTEN_PID") == str(os.getpid()) if count else True
    report.write(f"LISTEN_FDS={count} LISTEN_PID ok={pid_ok} LISTEN_FDNAMES={os.environ.get('LISTEN_FDNAMES', '')}\n")
    for fd in range(3, 3 + count):
        os.lseek(fd, 0, os.SEEK_SET)
        report.write(f"fd {fd}: {os.read(fd, 100).decode().strip()}\n")

for action in actions:
    if action.startswith("store=") or action.startswith("store-unnamed="):
        named = action.startswith("store=")
        spec = action.split("=", 1)[1]
        name, paths = spec.split(":", 1) if named else ("", spec)
        files = [open(p) for p in paths.split(",")]
        send("FDSTORE=1\n" + (f"FDNAME={name}\n" if named else ""), [f.fileno() for f in files])
        for f in files:
            f.close()
    elif action.startswith("remove="):
        send("FDSTOREREMOVE=1\nFDNAME=" + action.split("=", 1)[1])
    elif action == "ready":
        send("READY=1")
    elif action.startswith("sleep="):
        time.sleep(float(action.split("=", 1)[1]))
    elif action.startswith("exit="):
        sys.exit(int(action.split("=", 1)[1]))
