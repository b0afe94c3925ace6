# A service's side of sd_notify(3), for the conformance cases: each argument
# in turn is a message to send to $NOTIFY_SOCKET (assignments separated by
# newlines), `sleep=SECONDS`, `touch=PATH` or `exit=STATUS`.
import os
import socket
import sys
import time


def send(message):
    address = os.environ["NOTIFY_SOCKET"]
    if address.startswith("@"):
        address = "\0" + address[1:]
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as s:
        s.connect(address)
        s.sendall(message.encode())


for action in sys.argv[1:]:
    if action.startswith("sleep="):
        time.sleep(float(action[len("sleep="):]))
    elif action.startswith("touch="):
        open(action[len("touch="):], "w").close()
    elif action.startswith("exit="):
        sys.exit(int(action[len("exit="):]))
    else:
        send(action)
