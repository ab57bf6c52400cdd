"""Database faults while the workers run (security.md F1, F4): a held
lock ends as a quick 503 with nothing written, and connections the
server drops are replaced before the next request needs them."""
import subprocess
import time

from tixclient import (ApiTestCase, cast, count_tickets, create_ticket,
                       require_env, ticket_body)
from tixflow import table_locked


def admin_psql(sql):
    url = require_env("TIX_TEST_PG_ADMIN_URL")
    return subprocess.run(["psql", url, "-X", "-q", "-At", "-v",
                           "ON_ERROR_STOP=1", "-c", sql],
                          capture_output=True, text=True, check=True,
                          timeout=60).stdout.strip()


class LockHeldTest(ApiTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cast(cls)

    def test_create_behind_a_held_lock_is_a_quick_503(self):
        before = count_tickets(self.cust.email)
        with table_locked("tickets"):
            start = time.monotonic()
            r = self.c.post("/api/tickets", ticket_body())
            took = time.monotonic() - start
            self.assertError(r, 503, "unavailable")
            self.assertIn("Retry-After", r.headers)
            # lock_timeout is 5 s, nginx gives up at 30 s.
            self.assertLess(took, 15)
        self.assertEqual(count_tickets(self.cust.email), before)
        create_ticket(self.c)
        self.assertEqual(count_tickets(self.cust.email), before + 1)


class DroppedConnectionsTest(ApiTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cast(cls)

    def test_terminated_backends_cost_no_request(self):
        number = create_ticket(self.c)["number"]
        for _ in range(3):
            killed = admin_psql(
                "SELECT count(pg_terminate_backend(pid)) "
                "FROM pg_stat_activity WHERE datname = 'tix' "
                "AND pid <> pg_backend_pid()")
            self.assertGreater(int(killed), 0)
            time.sleep(0.2)
            # Every worker process finds its connection gone before the
            # first statement, and reconnects: no request fails.
            for _ in range(6):
                r = self.c.get("/api/tickets/" + number)
                self.assertStatus(r, 200)
                r = self.a.get("/api/tickets?per_page=1")
                self.assertStatus(r, 200)
