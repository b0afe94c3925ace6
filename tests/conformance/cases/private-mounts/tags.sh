#!/bin/sh
# Whether / is shared in the caller's mount namespace (whether it is also a
# slave depends on the host's, so that is left out).
awk '$5 == "/" { s = "not shared"; for (i = 7; $i != "-"; i++) if ($i ~ /^shared:/) s = "shared"; print s; exit }' /proc/self/mountinfo
