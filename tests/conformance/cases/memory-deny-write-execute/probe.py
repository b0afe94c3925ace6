#!/usr/bin/python3
# Which memory mappings may be made: writable and executable at once,
# writable then made executable, and plain ones (refused: EPERM).
import ctypes
import errno
import mmap

libc = ctypes.CDLL(None, use_errno=True)
libc.mmap.restype = ctypes.c_void_p
libc.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_long]
libc.mprotect.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
MAP_FAILED = ctypes.c_void_p(-1).value
flags = mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS


def report(what, ok):
    print("%s %s" % (what, "allowed" if ok else "refused" if ctypes.get_errno() == errno.EPERM else "failed"))


report("mmap rw", libc.mmap(None, 4096, mmap.PROT_READ | mmap.PROT_WRITE, flags, -1, 0) != MAP_FAILED)
report("mmap wx", libc.mmap(None, 4096, mmap.PROT_WRITE | mmap.PROT_EXEC, flags, -1, 0) != MAP_FAILED)
page = libc.mmap(None, 4096, mmap.PROT_READ | mmap.PROT_WRITE, flags, -1, 0)
report("mprotect x", libc.mprotect(page, 4096, mmap.PROT_READ | mmap.PROT_EXEC) == 0)
report("mprotect r", libc.mprotect(page, 4096, mmap.PROT_READ) == 0)
