/* Linked into every test helper program (tests/CMakeLists.txt); read only
 * by the sanitizer runtime of the ASan build.
 *
 * vermiliond stops a service with SIGTERM and then SIGCONT, as systemd's
 * kill_and_sigcont() does. If the SIGCONT arrives while LeakSanitizer's
 * exit check is stopping the process (its tracer PTRACE_ATTACHes and waits
 * for the SIGSTOP that attaching sends), the SIGCONT discards that SIGSTOP
 * and both processes wait forever: the stop hangs. Supervised test programs
 * therefore skip the exit-time leak check; their leaks are not what the
 * suite tests. */
const char *__lsan_default_options(void);
const char *__lsan_default_options(void) { return "detect_leaks=0"; }
