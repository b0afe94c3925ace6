# What a process sees of its network and IPC namespaces: argv[1] the file
# to append to, argv[2] the file ExecStartPre= wrote its namespaces to;
# host.service wrote the manager's to host-ns beside this script.
import fcntl, os, socket, struct, subprocess, sys

out, pre = sys.argv[1], sys.argv[2]
host_net, host_ipc, host_mqueue = open(os.path.join(os.path.dirname(__file__), "host-ns")).read().split()
net, ipc = os.readlink("/proc/self/ns/net"), os.readlink("/proc/self/ns/ipc")
runs = [line.split() for line in open(pre).read().splitlines()]  # one line per run
# The host's interfaces differ between machines: listed only when private.
interfaces = " ".join(sorted(name for _, name in socket.if_nameindex())) if net != host_net else "(the host's)"
lines = ["interfaces " + interfaces]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
flags = struct.unpack("16sH", fcntl.ioctl(s.fileno(), 0x8913, struct.pack("16sH", b"lo", 0)))[1]  # SIOCGIFFLAGS
lines.append("lo up" if flags & 1 else "lo down")
lines.append("network " + ("host" if net == host_net else "private"))
lines.append("ipc " + ("host" if ipc == host_ipc else "private"))
# PrivateIPC= also mounts the namespace's own queues on /dev/mqueue.
if str(os.stat("/dev/mqueue").st_dev) == host_mqueue:
    lines.append("mqueue: the host's")
else:
    kind = subprocess.run(["stat", "-f", "-c", "%T", "/dev/mqueue"], capture_output=True, text=True).stdout.strip()
    lines.append("mqueue: its own " + kind)
lines.append("as ExecStartPre: " + ("same" if runs[-1] == [net, ipc] else "different"))
with open(out, "a") as f:
    f.write("\n".join(lines) + "\n")
