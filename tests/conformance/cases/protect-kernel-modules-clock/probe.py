#!/usr/bin/python3
# What a ProtectKernel*=/ProtectClock= service may still do: each line names
# a harmless call and whether a filter refused it (EPERM) or not (it may
# still fail otherwise: a kernel without modules says ENOSYS).
#   probe.py delete_module | syslog | adjtimex | caps
# "caps": whether each capability these keys drop is in the bounding set.
import ctypes
import errno
import sys

libc = ctypes.CDLL(None, use_errno=True)
SYSCALLS = {"delete_module": 176, "syslog": 103, "adjtimex": 159}  # x86-64


def call(name):
    if name == "delete_module":
        # No such module: ENOENT unless refused first.
        return libc.syscall(SYSCALLS[name], b"vermilion_no_such_module", 0)
    if name == "syslog":
        return libc.syscall(SYSCALLS[name], 10, None, 0)  # SYSLOG_ACTION_SIZE_BUFFER: reads only
    buffer = ctypes.create_string_buffer(256)  # struct timex with modes 0: reads only
    return libc.syscall(SYSCALLS[name], buffer)


CAPABILITIES = {"cap_sys_module": 16, "cap_sys_time": 25, "cap_syslog": 34, "cap_wake_alarm": 35}
PR_CAPBSET_READ = 23

for name in sys.argv[1:]:
    if name == "caps":
        for cap, number in CAPABILITIES.items():
            print("%s %s" % (cap, "bounded" if libc.prctl(PR_CAPBSET_READ, number, 0, 0, 0) == 1 else "dropped"))
        continue
    result = call(name)
    refused = result < 0 and ctypes.get_errno() == errno.EPERM
    print("%s %s" % (name, "refused" if refused else "allowed"))
