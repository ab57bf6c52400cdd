"""The link to PostgreSQL cut at COMMIT (security.md F2).

A worker of the test's own reaches PostgreSQL through a proxy that, at
every fourth COMMIT, drops the link: either after the COMMIT reached the
server (it commits, the worker never hears) or before (nothing commits).

Promise: the worker answers 503 `unavailable` (it cannot know the
outcome), never 2xx for a commit it did not see and never 500; the
client's retry with the same Idempotency-Key returns the ticket that
committed, or creates it once if none did; never two; the worker
reconnects by itself."""

import json
import unittest

import fcgiclient
from faultkit import (ApiTestCase, CommitCutter, FcgiSender, Load,
                      OwnWorker, bearer_token, children, psql_rows,
                      ticket_body)


class CommitCutTest(ApiTestCase):
    def setUp(self):
        self.proxy = CommitCutter(cut_every=4)
        self.addCleanup(self.proxy.close)
        self.worker = OwnWorker(
            env={"TIX_DATABASE_URL": self.proxy.conninfo()})
        self.addCleanup(self.worker.close)
        self.token = bearer_token()

    def test_retries_after_a_cut_commit_give_one_ticket_each(self):
        first = children(self.worker.proc.pid)
        with Load([FcgiSender(self.worker.sock, self.token)
                   for _ in range(3)]) as load:
            load.wait_acked(40, seconds=60)
        load.check(self)
        self.assertGreaterEqual(self.proxy.cut_after, 2)
        self.assertGreaterEqual(self.proxy.cut_before, 2)
        # Each cut is one 503 to the client, and nothing else failed.
        self.assertEqual(set(load.failures), {(503, "unavailable")},
                         load.failures)
        self.assertGreaterEqual(load.replays, 4)
        # The process itself was never replaced.
        self.assertEqual(children(self.worker.proc.pid), first)

    def test_the_retry_returns_the_ticket_that_committed(self):
        # The create's COMMIT reaches the server; its answer is lost.
        self.proxy.cut_every = 0
        sender = FcgiSender(self.worker.sock, self.token)
        status, _, _ = sender.create(ticket_body(), "warm-" + self.token[-8:])
        self.assertEqual(status, 201)
        body = ticket_body()
        key = "cut-" + self.token[-12:]
        self.proxy.arm("after")
        status, code, _ = sender.create(body, key)
        self.assertEqual((status, code), (503, "unavailable"))
        self.assertEqual(self.proxy.cut_after, 1)
        # The commit landed: exactly one row, and the retry answers it.
        rows = psql_rows("SELECT 'TICK-' || number FROM tickets"
                         " WHERE subject = :'p1'", body["subject"])
        self.assertEqual(len(rows), 1, rows)
        status, code, number = sender.create(body, key)
        self.assertEqual(status, 201)
        self.assertEqual(number, rows[0][0])
        r = fcgiclient.request(
            self.worker.sock, "GET", "/api/tickets/" + number,
            extra_params={"HTTP_AUTHORIZATION": "Bearer " + self.token})
        self.assertEqual(r[0], 200)
        self.assertEqual(json.loads(r[2])["ticket"]["subject"],
                         body["subject"])
        rows = psql_rows("SELECT number FROM tickets WHERE subject = :'p1'",
                         body["subject"])
        self.assertEqual(len(rows), 1, rows)


if __name__ == "__main__":
    unittest.main()
