"""The clock of a worker's or the scheduler's machine stepped forwards
and backwards (security.md F24), with libfaketime.

Promise: sessions, SLA due times, created/updated times and the
scheduler's auto-close and breach decisions all use the database's
clock (now()), so a step on the application's machine changes none of
them: a session stays valid, a create is stamped with the database's
time, the scheduler neither closes a ticket early nor misses one that
is due."""

import datetime
import json
import os
import subprocess
import tempfile
import time
import unittest

import fcgiclient
from faultkit import ApiTestCase, OwnWorker, bearer_token, children
from tixclient import login, make_user, parse_time, ticket_body
from tixflow import (FlowCase, db_entries_of, run_scheduler, set_due_past,
                     set_status)

LIB = "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1"


def faked(offset_file):
    """Environment that runs a program on a clock read from offset_file
    ("+2d", "-3d", "+0"), re-read at every call: a step is a write."""
    asan = os.environ.get("ASAN_OPTIONS", "")
    return {"LD_PRELOAD": LIB, "FAKETIME_TIMESTAMP_FILE": offset_file,
            "FAKETIME_NO_CACHE": "1",
            # A step moves the wall clock; the monotonic one never steps.
            "FAKETIME_DONT_FAKE_MONOTONIC": "1",
            # libfaketime comes before the sanitizer's runtime.
            "ASAN_OPTIONS": (asan + ":" if asan else "") +
            "verify_asan_link_order=0"}


def step(offset_file, offset):
    with open(offset_file + ".tmp", "w") as f:
        f.write(offset + "\n")
    os.replace(offset_file + ".tmp", offset_file)


class WorkerClockTest(ApiTestCase):
    def setUp(self):
        if not os.path.exists(LIB):
            self.fail("libfaketime is not installed (%s)" % LIB)
        self.clock = os.path.join(tempfile.mkdtemp(prefix="tix-clock-"),
                                  "offset")
        step(self.clock, "+0")
        self.worker = OwnWorker(env=faked(self.clock))
        self.addCleanup(self.worker.close)

    def get(self, path, auth):
        r = fcgiclient.request(self.worker.sock, "GET", path,
                               extra_params=auth)
        return r[0], json.loads(r[2])

    def create(self, auth):
        body = json.dumps(ticket_body()).encode()
        r = fcgiclient.request(self.worker.sock, "POST", "/api/tickets",
                               body=body, content_type="application/json",
                               extra_params=auth)
        return r[0], json.loads(r[2])

    def test_steps_change_no_session_and_no_stamp(self):
        user = make_user("customer")
        c = login(user)
        cookie = {"HTTP_COOKIE": "tix_session=" + c.session_cookie}
        bearer = {"HTTP_AUTHORIZATION": "Bearer " + bearer_token()}
        for offset in ("+0", "+30d", "-30d", "+400d", "+0"):
            step(self.clock, offset)
            for auth in (cookie, bearer):
                status, doc = self.get("/api/tickets", auth)
                self.assertEqual(status, 200, (offset, doc))
            status, doc = self.create(bearer)
            self.assertEqual(status, 201, (offset, doc))
            created = parse_time(doc["ticket"]["created_at"])
            now = datetime.datetime.now(datetime.timezone.utc)
            self.assertLess(abs((created - now).total_seconds()), 60,
                            (offset, doc["ticket"]["created_at"]))
        self.assertIsNone(self.worker.proc.poll())
        # The worker's process runs on libfaketime's clock...
        [child] = children(self.worker.proc.pid)
        with open("/proc/%d/maps" % child) as f:
            self.assertIn("libfaketime", f.read())
        # ...and the environment does move a program's clock.
        step(self.clock, "+30d")
        out = subprocess.run(["date", "+%s"], capture_output=True, text=True,
                             env=dict(os.environ, **faked(self.clock)))
        self.assertGreater(int(out.stdout) - time.time(), 29 * 86400)


class SchedulerClockTest(FlowCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cust = make_user("customer")
        cls.c = login(cls.cust)

    def run_at(self, offset):
        d = tempfile.mkdtemp(prefix="tix-clock-")
        clock = os.path.join(d, "offset")
        step(clock, offset)
        p = run_scheduler("--once", env=faked(clock))
        self.assertEqual(p.returncode, 0, p.stderr)
        # It really ran on the stepped clock.
        out = subprocess.run(["date", "+%s"], capture_output=True,
                             text=True, env=dict(os.environ,
                                                 **faked(clock))).stdout
        self.assertGreater(abs(int(out) - time.time()), 86400)
        return p

    def test_a_clock_ahead_closes_nothing_early(self):
        fresh = self.new_ticket(self.c)
        set_status(fresh, "resolved", "1 minute")
        ahead = self.new_ticket(self.c)          # due in hours
        self.run_at("+30d")
        self.assertEqual(self.detail(self.c, fresh)["status"], "resolved")
        self.assertEqual(db_entries_of(ahead, "sla_breached"), [])

    def test_a_clock_behind_misses_nothing_due(self):
        old = self.new_ticket(self.c)
        set_status(old, "resolved", "8 days")
        due = self.new_ticket(self.c)
        set_due_past(due)
        self.run_at("-30d")
        self.assertEqual(self.detail(self.c, old)["status"], "closed")
        self.assertEqual(len(db_entries_of(due, "sla_breached")), 1)


if __name__ == "__main__":
    unittest.main()
