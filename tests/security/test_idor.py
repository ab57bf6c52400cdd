"""Walking object ids (security.md 40): ticket numbers are sequential,
so a customer may ask for one after another.  Every ticket of someone
else answers exactly like a missing one, and past a burst the client is
rate-limited (nginx, per session; docs/security.md).

The other access-control items (32-39, 41, 42) are in tests/api:
test_tickets_read, test_tickets_list, test_search, test_attachments,
test_messages, test_patch, test_notes and test_metrics
(docs/security.md names each test)."""

import time
import unittest
import uuid

from tixclient import (ApiTestCase, create_ticket, login, make_user,
                       psql_int, ticket_int)

BURST = 300     # nginx: limit_req ... burst=300 (tix.conf.template)


class IdWalkTest(ApiTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.owner = make_user("customer")
        cls.other = make_user("customer")
        cls.mine = create_ticket(login(cls.owner))["number"]
        cls.theirs = create_ticket(login(cls.other))["number"]

    def test_walk_sees_only_404s_then_429(self):
        c = login(self.owner)
        top = psql_int("SELECT max(number) FROM tickets")
        missing = c.get("/api/tickets/TICK-%d" % (top + 100000))
        self.assertError(missing, 404, "not_found")
        entries = psql_int("SELECT count(*) FROM ticket_entries")
        first, limited, seen, n = None, None, {}, top
        start = time.monotonic()
        while n > 0 and time.monotonic() - start < 60:
            number = "TICK-%d" % n
            r = c.get("/api/tickets/" + number)
            if r.status == 429:
                limited = r
                break
            seen[number] = r
            n -= 1
        self.assertIsNotNone(limited, "walked %d tickets without a 429"
                             % len(seen))
        self.assertError(limited, 429, "rate_limited")
        self.assertTrue(limited.headers.get("Retry-After"))
        self.assertGreaterEqual(len(seen), BURST // 2, "limited too soon")
        self.assertIn(self.theirs, seen)
        for number, r in seen.items():
            if number == self.mine:
                self.assertStatus(r, 200)
                continue
            with self.subTest(number=number):
                # The same status and body as a number that never was.
                self.assertEqual(r.status, 404, r)
                self.assertEqual(r.body, missing.body)
                self.assertNotIn(number.encode(), r.raw)
        # While limited, the walker's own ticket is limited too (at most
        # TIX_TICKET_RATE a second get through: on a slow machine one of
        # these may), and the walk wrote nothing.
        again = [c.get("/api/tickets/" + self.mine).status
                 for _ in range(20)]
        self.assertGreaterEqual(again.count(429), 10, again)
        self.assertEqual(psql_int("SELECT count(*) FROM ticket_entries"),
                         entries)

    def test_limit_is_per_session(self):
        """Another session of the same customer, and another customer,
        still read their tickets while one session is limited."""
        walker = login(self.owner)
        for _ in range(BURST + 50):
            r = walker.get("/api/tickets/" + self.theirs)
            if r.status == 429:
                break
        self.assertStatus(r, 429)
        self.assertStatus(login(self.owner).get(
            "/api/tickets/" + self.mine), 200)
        self.assertStatus(login(self.other).get(
            "/api/tickets/" + self.theirs), 200)
        # The list is not limited for the walker either.
        self.assertStatus(walker.get("/api/tickets"), 200)


class InternalNotesTest(ApiTestCase):
    """39: a customer asking for internal notes by a query parameter or
    a body field gets none of them (the rest of 39 is
    tests/api/test_notes.py's)."""

    def test_include_internal_is_ignored_or_refused(self):
        customer = make_user("customer")
        c = login(customer)
        a = login(make_user("agent"))
        n = create_ticket(c)["number"]
        secret = "note-" + uuid.uuid4().hex
        self.assertStatus(a.post("/api/tickets/%s/messages" % n,
                                 {"body": secret, "internal": True}), 201)
        for path in ("/api/tickets/%s?include=internal" % n,
                     "/api/tickets/%s?internal=true" % n,
                     "/api/tickets/%s?include=internal,notes&view=agent" % n,
                     "/api/tickets?include=internal&q=" + secret,
                     "/api/tickets?internal=1"):
            with self.subTest(path=path):
                r = c.get(path)
                self.assertIn(r.status, (200, 400), r)
                if r.status == 400:
                    self.assertError(r, 400, "bad_request")
                self.assertNotIn(secret.encode(), r.raw)
                self.assertNotIn(b'"internal":true', r.raw)
        entries = psql_int("SELECT count(*) FROM ticket_entries")
        r = c.post("/api/tickets/%s/messages" % n,
                   {"body": "mine", "internal": False,
                    "include": "internal"})
        self.assertStatus(r, 201)
        self.assertNotIn(secret.encode(), r.raw)
        self.assertEqual(psql_int("SELECT count(*) FROM ticket_entries"),
                         entries + 1)


if __name__ == "__main__":
    unittest.main()
