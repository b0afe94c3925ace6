# The CPU scheduling policy and priority and the I/O class of this process
# (the service's main process), in @SCRATCH@/$1.
{
  chrt -p $$ | sed "s/^pid [0-9]*'s //"
  ionice -p $$
} >@SCRATCH@/"$1"
