/* The trivial service of bench/peers_bench.cpp, run the same way under every
 * supervisor: appends one byte to a shared file, then waits for a signal
 * forever. The file is $VERMILION_BENCH_FILE if set, else argv[1]: s6 and
 * runit run ./run, a symlink to this program, without a path (s6-supervise
 * passes the service's name as argv[1]), with the supervisor's environment;
 * vermiliond gives its services a fresh environment and the path in argv.
 * The benchmark's clock stops when the file holds the bytes it expects: each
 * byte is one process that has exec'd and run. Exits 1 if it cannot write. */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv) {
  const char *path = getenv("VERMILION_BENCH_FILE");
  if (!path) path = argc > 1 ? argv[1] : NULL;
  if (!path) return 1;
  int fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
  if (fd < 0 || write(fd, "x", 1) != 1) return 1;
  close(fd);
  for (;;) pause();
}
