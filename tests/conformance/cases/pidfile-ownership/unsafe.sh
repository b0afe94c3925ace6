# A root-owned PID file naming a process outside the service, reached
# through a symlink in a directory nobody owns: systemd's CHASE_SAFE finds
# the path unsafe, and the PID is refused although root owns the file.
sleep 60 &
mkdir -p @SCRATCH@/users
chown nobody @SCRATCH@/users
cp @SCRATCH@/other.pid @SCRATCH@/unsafe-target.pid
ln -sf @SCRATCH@/unsafe-target.pid @SCRATCH@/users/unsafe.pid.new
chown -h nobody @SCRATCH@/users/unsafe.pid.new
mv @SCRATCH@/users/unsafe.pid.new @SCRATCH@/users/unsafe.pid
