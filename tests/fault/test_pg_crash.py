"""PostgreSQL crashes under load (security.md F1, F5), and is down when a
worker starts (F3).

Promise: while it is down every request is a quick 503 `unavailable`;
every create acknowledged before, during or after the crash is there
exactly once once it is back (crash recovery keeps every commit; a
commit whose answer was lost is replayed by the Idempotency-Key); the
workers serve again without a restart."""

import os
import signal
import time
import unittest

from faultkit import (ApiTestCase, FcgiSender, HttpSender, Load, OwnWorker,
                      bearer_token, children, postmaster_pid, run_shell,
                      wait_healthy)


def state(pid):
    """The process's state letter, or None when it is gone."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(") ", 1)[1][0]
    except (FileNotFoundError, ProcessLookupError):
        return None


def kill_cluster():
    """SIGKILL to the postmaster and every process of it at once: the
    server's machine losing power, as far as the database can tell."""
    pm = postmaster_pid()
    victims = [pm] + children(pm)
    for pid in victims:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    deadline = time.monotonic() + 10
    while any(state(p) not in (None, "Z") for p in victims):
        if time.monotonic() > deadline:
            raise AssertionError("the cluster's processes outlived SIGKILL")
        time.sleep(0.05)
    # Where no init reaps orphans (a container), the dead postmaster
    # stays a zombie, and its pid in postmaster.pid looks alive to the
    # next start: the lock file of a dead server goes, as an operator
    # would remove it.
    deadline = time.monotonic() + 2
    while state(pm) is not None and time.monotonic() < deadline:
        time.sleep(0.05)
    if state(pm) is not None:
        os.unlink(os.path.join(os.environ["TIX_TEST_PG_DATA"],
                               "postmaster.pid"))


def start_cluster():
    # pg_ctl finds the stale postmaster.pid of the dead server and
    # starts anyway; the server replays its WAL before it accepts.
    run_shell("TIX_TEST_PG_START")


class CrashTest(ApiTestCase):
    def setUp(self):
        self.down = False
        self.addCleanup(self.bring_back)

    def bring_back(self):
        if self.down:
            start_cluster()
            self.down = False
        wait_healthy()

    def test_killed_mid_load_loses_no_acknowledged_write(self):
        token = bearer_token()
        with Load([HttpSender(token) for _ in range(4)]) as load:
            load.wait_acked(20)
            kill_cluster()
            self.down = True
            before = load.acked_count()
            time.sleep(1.5)
            # Nothing is acknowledged while there is no database.
            self.assertEqual(load.acked_count(), before)
            start_cluster()
            self.down = False
            load.wait_acked(20)
        acked = load.check(self)
        self.assertGreaterEqual(acked, 40)
        statuses = {s for s, _ in load.failures}
        self.assertIn(503, statuses, load.failures)
        # Every failure was the contract's 503, never a 500, never a
        # hang (a timeout would show as 504 or a socket error).
        self.assertEqual({k for k in load.failures if k != (503,
                          "unavailable")}, set(), load.failures)

    def test_database_down_when_a_worker_starts(self):
        token = bearer_token()
        run_shell("TIX_TEST_PG_STOP")
        self.down = True
        w = OwnWorker()
        self.addCleanup(w.close)
        first = children(w.proc.pid)
        sender = FcgiSender(w.sock, token)
        for _ in range(5):
            start = time.monotonic()
            status, code, _ = sender.create({"subject": "x",
                                             "description": "y",
                                             "category": "general"},
                                            "down-at-start")
            self.assertEqual((status, code), (503, "unavailable"))
            self.assertLess(time.monotonic() - start, 5)
            self.assertEqual(w.health(), 503)
        time.sleep(1)
        # No crash loop: the same process serves every request.
        self.assertEqual(children(w.proc.pid), first)
        self.assertIsNone(w.proc.poll())
        start_cluster()
        self.down = False
        with Load([sender]) as load:
            load.wait_acked(3)
        load.check(self)
        self.assertEqual(children(w.proc.pid), first)
        self.assertEqual(w.health(), 200)


if __name__ == "__main__":
    unittest.main()
