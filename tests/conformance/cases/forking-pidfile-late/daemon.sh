# The parent exits at once; the daemon writes its PID file a moment later.
( sleep 0.5; sh -c 'echo $$ > "$1"; exec sleep 1000' sh "$RUNTIME_DIRECTORY/d.pid" ) &
exit 0
