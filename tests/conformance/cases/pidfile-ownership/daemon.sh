# A forking daemon: leaves a process behind, writes PIDFile= with the PID
# and owner asked for, then its parent exits.
# daemon.sh NAME own|other OWNER
sleep 60 &
if [ "$2" = own ]; then echo $! > @SCRATCH@/"$1".new; else cp @SCRATCH@/other.pid @SCRATCH@/"$1".new; fi
chown "$3" @SCRATCH@/"$1".new
mv @SCRATCH@/"$1".new @SCRATCH@/"$1".pid
