# A daemon that lives on after its parent, then fails with status 3.
( echo up > "$1"; sleep 1; exit 3 ) &
exit 0
