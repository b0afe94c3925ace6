# Which of the variables the manager sets this process sees, appended to
# the file $2 as "$1 MAINPID=set|- WATCHDOG_PID=self|other|- WATCHDOG_USEC=N|-
# MANAGERPID=set NOTIFY_SOCKET=set" ($3: the PID the manager started, if
# not this shell).
pid=${3:-$$}
mainpid=-; [ -n "${MAINPID-}" ] && mainpid=set
wpid=-; [ -n "${WATCHDOG_PID-}" ] && { if [ "$WATCHDOG_PID" = "$pid" ]; then wpid=self; else wpid=other; fi; }
echo "$1 MAINPID=$mainpid WATCHDOG_PID=$wpid WATCHDOG_USEC=${WATCHDOG_USEC:--} MANAGERPID=${MANAGERPID:+set} NOTIFY_SOCKET=${NOTIFY_SOCKET:+set}" >> "$2"
