# A child of the main process that ignores SIGTERM; it writes its PID once
# the signal is ignored, so the case never signals it before.
trap "" TERM
echo $$ > "$1"
exec sleep 1000
