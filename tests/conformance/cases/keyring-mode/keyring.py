# What a process finds in its session keyring (keyctl(2), without keyutils):
# the keyring's type and name, whether the user keyring is linked into it,
# and whether the "invocation_id" key holds $INVOCATION_ID.
import ctypes
import os
import sys

libc = ctypes.CDLL(None, use_errno=True)
SYS_KEYCTL = {"x86_64": 250, "aarch64": 219, "riscv64": 219, "i686": 288, "armv7l": 311}[os.uname().machine]
KEYCTL_GET_KEYRING_ID, KEYCTL_DESCRIBE, KEYCTL_SEARCH, KEYCTL_READ = 0, 6, 10, 11
KEY_SPEC_SESSION_KEYRING = -3


def keyctl(*args):
    return libc.syscall(SYS_KEYCTL, *[a if isinstance(a, ctypes.c_char_p) else ctypes.c_long(a) for a in args])


out = open(sys.argv[1], "a")
session = keyctl(KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0)
buf = ctypes.create_string_buffer(256)
keyctl(KEYCTL_DESCRIBE, session, ctypes.addressof(buf), 256)
fields = buf.value.decode().split(";")
print("session keyring:", fields[0], fields[-1], file=out)
linked = keyctl(KEYCTL_SEARCH, session, ctypes.c_char_p(b"keyring"), ctypes.c_char_p(b"_uid.%d" % os.getuid()), 0)
print("user keyring:", "linked" if linked >= 0 else "not linked", file=out)
key = keyctl(KEYCTL_SEARCH, session, ctypes.c_char_p(b"user"), ctypes.c_char_p(b"invocation_id"), 0)
if key < 0:
    print("invocation_id: none", file=out)
else:
    data = ctypes.create_string_buffer(16)
    keyctl(KEYCTL_READ, key, ctypes.addressof(data), 16)
    same = data.raw.hex() == os.environ.get("INVOCATION_ID")
    keyctl(KEYCTL_DESCRIBE, key, ctypes.addressof(buf), 256)
    print("invocation_id:", "matches" if same else "differs", "perm", buf.value.decode().split(";")[3], file=out)
