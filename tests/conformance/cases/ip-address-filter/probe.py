# For each address: listen on it (port chosen by the kernel), connect to
# it, and print how the connection went ("connected" or the errno name).
import errno
import socket
import sys

for addr in sys.argv[1:]:
    family = socket.AF_INET6 if ":" in addr else socket.AF_INET
    with socket.socket(family) as listener, socket.socket(family) as client:
        listener.bind((addr, 0))
        listener.listen()
        client.settimeout(0.5)  # loopback connects in microseconds; a dropped SYN never does
        try:
            client.connect((addr, listener.getsockname()[1]))
            print(addr, "connected")
        except socket.timeout:
            print(addr, "timeout")
        except OSError as e:
            print(addr, errno.errorcode.get(e.errno, str(e.errno)))
