#!/usr/bin/python3
# Which address families a socket may be made in: "refused" is
# EAFNOSUPPORT before the kernel was asked, as a filter answers.
import errno
import socket

for name, family, kind in (("unix", socket.AF_UNIX, socket.SOCK_STREAM), ("inet", socket.AF_INET, socket.SOCK_DGRAM),
                           ("inet6", socket.AF_INET6, socket.SOCK_DGRAM),
                           ("netlink", socket.AF_NETLINK, socket.SOCK_RAW)):
    try:
        socket.socket(family, kind).close()
        print(name, "allowed")
    except OSError as e:
        print(name, "refused" if e.errno == errno.EAFNOSUPPORT else "failed")
