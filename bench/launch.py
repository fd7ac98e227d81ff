"""Runs one contender and reports its wall seconds and resource usage. Used by bench.py; stdlib only.

    python -S -E launch.py TIMEOUT STDOUT_FILE STDERR_FILE COMMAND [ARG...]

Why a separate launcher: on Linux, the ru_maxrss that wait4 reports for a child includes the resident memory of the
process that spawned it (exec keeps the old address space's high-water mark). bench.py holds the job ids and RQ,
so a contender spawned by it directly would report at least bench.py's size. This launcher is a fresh, small
process (about 9 MiB), so the peak RSS it reports is the contender's own whenever that is above about 9 MiB.

Prints "pid <pid>" as soon as the contender runs, then one line "result <seconds> <exit> <timed_out> <maxrss_kib>
<user_s> <sys_s>". On SIGTERM it kills the contender (by its PID) and exits.
"""
import os
import signal
import sys
import time


def main():
    timeout = float(sys.argv[1])
    out_path, err_path, argv = sys.argv[2], sys.argv[3], sys.argv[4:]
    actions = [
        (os.POSIX_SPAWN_OPEN, 0, "/dev/null", os.O_RDONLY, 0),
        (os.POSIX_SPAWN_OPEN, 1, out_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644),
        (os.POSIX_SPAWN_OPEN, 2, err_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644),
    ]
    timed_out = []
    t0 = time.perf_counter()
    pid = os.posix_spawnp(argv[0], argv, os.environ, file_actions=actions)

    def on_alarm(*_):
        timed_out.append(True)
        os.kill(pid, signal.SIGKILL)

    def on_term(*_):
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os._exit(143)

    signal.signal(signal.SIGALRM, on_alarm)
    signal.signal(signal.SIGTERM, on_term)
    signal.setitimer(signal.ITIMER_REAL, timeout)
    sys.stdout.write(f"pid {pid}\n")
    sys.stdout.flush()
    _, status, usage = os.wait4(pid, 0)
    seconds = time.perf_counter() - t0
    signal.setitimer(signal.ITIMER_REAL, 0)
    code = os.waitstatus_to_exitcode(status)
    sys.stdout.write(f"result {seconds:.6f} {code} {int(bool(timed_out))} {usage.ru_maxrss} "
                     f"{usage.ru_utime:.3f} {usage.ru_stime:.3f}\n")


if __name__ == "__main__":
    main()
