"""The soak's 60-second version: bench/soak.py through the nginx of
scripts/test's stack, with tix-scheduler, tix-notify and tix-mailin
running.  Five seconds measure the peak of the mixed traffic (list,
detail, search, create, reply, upload, download), then 60 seconds at
80 % of it; it must end with no unexpected answer, every acknowledged
write in the database exactly once, no worker replaced, flat worker
memory and flat PostgreSQL connections.

Memory: AddressSanitizer holds every freed block in its quarantine (256
MiB a process by default), so the stack's workers grow by about 3 MiB a
second under this load for a minute and a half and their RSS says
nothing about leaks.  The test therefore serves /api/tickets and the
attachment routes with workers of its own, the same sanitizer build with
the quarantine off, put in place of the stack's sockets for the run (and
put back after).  Their RSS in the last 15 s must be within
RSS_BOUND_KIB of the first 15 s (samples every 5 s, the maximum of each
window): the bench's 1 MiB (bench/README.md, "Soak"), since what is left
of the sanitizer's bookkeeping (shadow pages of reused chunks) is touched
in the peak phase, before the first window.
p99 is reported only: on a shared machine a 15-second window is too short
for a fair comparison.
"""

import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import unittest

from faultkit import children, wait_healthy
from tixclient import require_env

HERE = os.path.dirname(os.path.abspath(__file__))
SOAK = os.path.join(HERE, "..", "..", "bench", "soak.py")

DURATION = 60
RSS_BOUND_KIB = 1024
PROCESSES = 2
ASAN_OPTIONS = ("detect_leaks=0:abort_on_error=1:halt_on_error=1:"
                "disable_coredump=1:quarantine_size_mb=0:"
                "thread_local_quarantine_size_kb=0")


class SwappedWorker:
    """NAME with the quarantine off, serving at the path of the stack's
    socket SOCK_VAR until close() puts the stack's socket back."""

    def __init__(self, name, sock_var, state):
        self.stack_sock = require_env(sock_var)
        self.aside = self.stack_sock + ".soak-aside"
        self.sock = self.stack_sock + ".soak"
        self.pidfile = os.path.join(state, name + ".pid")
        self.log_path = os.path.join(state, name + ".log")
        metrics = tempfile.mkdtemp(dir=state)
        env = dict(os.environ, ASAN_OPTIONS=ASAN_OPTIONS,
                   UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:"
                   "abort_on_error=1", TIX_METRICS_DIR=metrics)
        with open(self.log_path, "w") as log:
            # Group-accessible socket (the run directory's group is
            # nginx's), as scripts/lib/stack.sh makes them.
            self.proc = subprocess.Popen(
                [name, "--listen", "unix:" + self.sock, "--workers",
                 str(PROCESSES), "--pid-file", self.pidfile],
                stdout=log, stderr=log, env=env, start_new_session=True,
                preexec_fn=lambda: os.umask(0o007))
        self.swapped = False
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if (os.path.exists(self.sock) and os.path.exists(self.pidfile)
                    and len(children(self.proc.pid)) == PROCESSES):
                os.rename(self.stack_sock, self.aside)
                os.rename(self.sock, self.stack_sock)
                self.swapped = True
                return
            if self.proc.poll() is not None:
                break
            time.sleep(0.1)
        self.close()
        raise AssertionError("%s did not start: %s" % (name, self.text()))

    def text(self):
        with open(self.log_path) as f:
            return f.read()

    def close(self):
        if self.swapped:
            os.rename(self.stack_sock, self.sock)
            os.rename(self.aside, self.stack_sock)
            self.swapped = False
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=40)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


class SoakShortTest(unittest.TestCase):

    def test_sixty_seconds_of_mixed_traffic(self):
        state = tempfile.mkdtemp(prefix="soak-",
                                 dir=require_env("TIX_TEST_STATE_DIR"))
        with contextlib.ExitStack() as stack:
            workers = [stack.enter_context(contextlib.closing(
                SwappedWorker(name, var, state))) for name, var in (
                    ("tix-tickets", "TIX_TEST_TICKETS_SOCKET"),
                    ("tix-files", "TIX_TEST_FILES_SOCKET"))]
            argv = [sys.executable, SOAK,
                    "--base", require_env("TIX_TEST_BASE_URL"),
                    "--pg-admin-url", require_env("TIX_TEST_PG_ADMIN_URL"),
                    "--state", os.path.join(state, "soak"),
                    "--pidfile", require_env("TIX_TEST_AUTH_PIDFILE")]
            for w in workers:
                argv += ["--pidfile", w.pidfile]
            argv += ["--duration", str(DURATION), "--peak-seconds", "5",
                     "--sample", "5", "--window", "15",
                     "--rss-bound-kib", str(RSS_BOUND_KIB),
                     "--p99-factor", "0", "--mail-interval", "10",
                     # The stack's own tix-tickets and tix-files processes
                     # keep their connections while ours serve.
                     "--other-connections", "4",
                     "--threads", "8", "--customers", "3", "--agents", "1",
                     # nginx lets one credential walk /api/tickets/N... at
                     # TIX_TICKET_RATE (10 a second) past a burst of 300:
                     # 40 credentials and at most 250 requests a second
                     # (most of them on those paths) stay under it however
                     # fast the machine is.
                     "--tokens", "10", "--max-rate", "250",
                     "--initial-tickets", "3"]
            p = subprocess.run(argv, capture_output=True, text=True,
                               timeout=DURATION + 240)
            sys.stderr.write(p.stderr)
            for w in workers:
                self.assertNotRegex(w.text(), "ERROR: AddressSanitizer|"
                                    "runtime error:|restarting")
        # The stack's own workers answer again.
        wait_healthy()
        with open(os.path.join(state, "soak", "soak.json")) as f:
            summary = json.load(f)
        self.assertEqual(summary["problems"], [])
        self.assertEqual(p.returncode, 0)
        # The run did what it says: writes of every kind, mail taken,
        # notices written, and the rate held within reason.
        ack = summary["acknowledged"]
        for kind in ("creates", "replies", "uploads", "mail"):
            self.assertGreater(ack[kind], 0, kind)
        self.assertGreater(summary["notices_written"], 0)
        self.assertGreater(summary["achieved_rps"],
                           0.5 * summary["target_rps"])


if __name__ == "__main__":
    unittest.main()
