"""The database goes away and comes back: 503, then recovery without a
restart of anything else, and no data lost.

Leaves the database running, whatever happens."""

import time
import unittest

from faultkit import RECOVERY_SECONDS, run_shell, wait_healthy
from tixclient import (ApiTestCase, Client, count_tickets, create_ticket,
                       login, make_user, require_env, ticket_body)


class DatabaseDownTest(ApiTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        require_env("TIX_TEST_PG_STOP")
        require_env("TIX_TEST_PG_START")
        cls.cust = make_user("customer")
        cls.c = login(cls.cust)
        cls.before = [create_ticket(cls.c)["number"] for _ in range(3)]
        cls.stopped = False

    def setUp(self):
        self.addCleanup(self.ensure_started)

    def ensure_started(self):
        if self.stopped:
            # Always bring PostgreSQL back, whatever happened above.
            run_shell("TIX_TEST_PG_START")
            type(self).stopped = False
            wait_healthy()

    def stop_db(self):
        type(self).stopped = True
        run_shell("TIX_TEST_PG_STOP")

    def test_database_down_then_back(self):
        other = Client(token=self.c.new_token()[1])
        self.stop_db()
        try:
            r = Client().get("/api/health")
            self.assertStatus(r, 503)
            self.assertSecurityHeaders(r)
            if isinstance(r.body, dict) and "database" in r.body:
                self.assertNotEqual(r.body["database"], "ok")

            r = self.c.get("/api/tickets")
            self.assertError(r, 503, "unavailable")
            self.assertSecurityHeaders(r)
            retry = (r.headers.get("Retry-After") or "").strip()
            self.assertTrue(retry.isdigit(), "Retry-After of %r" % (r,))

            r = self.c.get("/api/tickets/" + self.before[0])
            self.assertError(r, 503, "unavailable")

            r = self.c.post("/api/tickets", ticket_body(subject="During"))
            self.assertError(r, 503, "unavailable")

            r = other.get("/api/tickets")
            self.assertError(r, 503, "unavailable")

            # A database outage is not a wrong password.
            r = Client().post("/api/auth/login",
                              {"email": self.cust.email,
                               "password": self.cust.password})
            self.assertError(r, 503, "unavailable")
        finally:
            run_shell("TIX_TEST_PG_START")
            type(self).stopped = False

        # The same requests succeed again within RECOVERY_SECONDS, with no
        # restart of the workers.  (A worker may fail the first request on
        # a connection that died with the server; it must recover by
        # itself.)
        deadline = time.monotonic() + RECOVERY_SECONDS

        def eventually(what, send, status):
            while True:
                r = send()
                if r.status == status or time.monotonic() > deadline:
                    break
                if r.status != 503:
                    break
                time.sleep(0.5)
            self.assertEqual(r.status, status,
                             "%s after the database came back: %r"
                             % (what, r))
            return r

        h = eventually("GET /api/health", lambda: Client().get("/api/health"),
                       200)
        self.assertEqual(self.assertJson(h, 200),
                         {"status": "ok", "database": "ok"})
        r = eventually("GET /api/tickets",
                       lambda: self.c.get("/api/tickets",
                                          query={"per_page": 100}), 200)
        body = self.assertJson(r, 200)
        # Everything acknowledged before the outage is there; nothing from
        # the rejected create.
        numbers = {t["number"] for t in body["tickets"]}
        self.assertEqual(numbers, set(self.before))
        self.assertEqual(body["total"], 3)
        self.assertEqual(count_tickets(self.cust.email), 3)
        for n in self.before:
            eventually("GET /api/tickets/" + n,
                       lambda: self.c.get("/api/tickets/" + n), 200)
        eventually("GET /api/tickets (bearer)",
                   lambda: other.get("/api/tickets"), 200)
        eventually("POST /api/auth/login",
                   lambda: Client().post("/api/auth/login",
                                         {"email": self.cust.email,
                                          "password": self.cust.password}),
                   200)
        r = eventually("POST /api/tickets",
                       lambda: self.c.post("/api/tickets",
                                           ticket_body(subject="After")), 201)
        self.assertJson(r, 201)
        # Failed attempts wrote nothing: exactly one more ticket.
        self.assertEqual(count_tickets(self.cust.email), 4)


if __name__ == "__main__":
    unittest.main()
