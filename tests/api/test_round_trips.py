"""How many times a request waits on PostgreSQL (bench/README.md, "Round
trips").

Each round trip is one send() of libpq: strace counts the sendto calls of
every tix-tickets worker while one request is answered (the same request
a few times before, so that its statements are prepared and the
session's last_seen_at is fresh; the fewest of three: "at most", since a
session a minute old costs one more to touch it).  The answers are checked too: fewer trips must not
mean another answer.
"""

import os
import shutil
import signal
import subprocess
import tempfile
import time
import unittest

from tixclient import (ApiTestCase, create_ticket, login, make_user,
                       require_env)
from test_process import children, parent_pid


class Trips:
    """strace of every tix-tickets worker while the block runs."""

    def __init__(self):
        self.pids = children(parent_pid("TIX_TEST_TICKETS_PIDFILE"))
        self.out = tempfile.NamedTemporaryFile(prefix="trips-", delete=False)
        self.count = None

    def __enter__(self):
        args = ["strace", "-e", "trace=sendto", "-o", self.out.name]
        for pid in self.pids:
            args += ["-p", str(pid)]
        self.proc = subprocess.Popen(args, stderr=subprocess.PIPE, text=True)
        attached, deadline = 0, time.monotonic() + 30
        while attached < len(self.pids) and time.monotonic() < deadline:
            line = self.proc.stderr.readline()
            if not line:
                break
            attached += " attached" in line
        if attached < len(self.pids):
            self.proc.kill()
            raise AssertionError("strace attached to %d of %d workers"
                                 % (attached, len(self.pids)))
        return self

    def __exit__(self, *exc):
        self.proc.send_signal(signal.SIGINT)
        self.proc.communicate(timeout=30)
        with open(self.out.name) as f:
            self.count = sum(1 for line in f if "sendto(" in line)
        os.unlink(self.out.name)
        return False


@unittest.skipUnless(shutil.which("strace"), "strace is not installed")
class RoundTripTest(ApiTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        require_env("TIX_TEST_TICKETS_PIDFILE")
        cls.cust = make_user("customer")
        cls.c = login(cls.cust)
        cls.a = login(make_user("agent"))
        cls.t = create_ticket(cls.c)
        cls.path = "/api/tickets/" + cls.t["number"]

    def trips(self, request):
        """Answer and fewest round trips of request() over three tries,
        after a few unmeasured ones: each worker process prepares a
        statement on its first use (one more trip), and which process
        answers is the kernel's choice, so one earlier request may have
        warmed another process than the one measured."""
        for _ in range(4):
            request()
        counts = []
        for _ in range(3):
            with Trips() as t:
                r = request()
            # Every request checks its caller with PostgreSQL: none seen
            # is strace failing, not a request without a trip.
            self.assertGreaterEqual(t.count, 1)
            counts.append(t.count)
        return r, min(counts)

    def test_ticket_detail_is_two(self):
        # session, then the ticket's summary, timeline, refused files and
        # attachments by its number in the caller's scope, in one batch
        for who, c in (("customer", self.c), ("agent", self.a)):
            with self.subTest(who=who):
                r, n = self.trips(lambda: c.get(self.path))
                t = self.assertJson(r, 200)["ticket"]
                self.assertEqual(t["number"], self.t["number"])
                self.assertEqual(t["timeline"][0]["type"], "created")
                self.assertLessEqual(n, 2)

    def test_someone_elses_ticket_is_two(self):
        # session, then the same batch, which finds nothing of it
        other = login(make_user("customer"))
        r, n = self.trips(lambda: other.get(self.path))
        self.assertError(r, 404, "not_found")
        self.assertLessEqual(n, 2)

    def test_list_page_is_two(self):
        # session, then the capped count and the page in one batch
        for who, c in (("customer", self.c), ("agent", self.a)):
            with self.subTest(who=who):
                r, n = self.trips(lambda: c.get("/api/tickets?per_page=5"))
                b = self.assertJson(r, 200)
                self.assertGreaterEqual(b["total"], 1)
                self.assertTrue(b["tickets"])
                self.assertLessEqual(n, 2)

    def test_create_is_at_most_eight(self):
        body = {"subject": "Round trips", "description": "How many?",
                "category": "technical"}
        r, n = self.trips(lambda: self.c.post("/api/tickets", body))
        t = self.assertJson(r, 201)["ticket"]
        self.assertEqual(t["subject"], "Round trips")
        self.assertEqual([e["type"] for e in t["timeline"]], ["created"])
        # session, BEGIN with the ticket's context, the ticket, its entry,
        # the notices' ticket, the notices with their NOTIFY, the answer,
        # COMMIT
        self.assertLessEqual(n, 8)

    def test_reply_is_at_most_seven(self):
        for who, c in (("agent", self.a), ("customer", self.c)):
            with self.subTest(who=who):
                r, n = self.trips(lambda: c.post(
                    self.path + "/messages", {"body": "From " + who}))
                b = self.assertJson(r, 201)
                self.assertEqual(b["entry"]["body"], "From " + who)
                self.assertEqual(b["ticket"]["number"], self.t["number"])
                # session, BEGIN with the lock, the entries and the
                # ticket's state, the notices' ticket, the notices, the
                # answer, COMMIT
                self.assertLessEqual(n, 7)


if __name__ == "__main__":
    unittest.main()
