"""POST /api/tickets/{number}/reopen, can_reopen, and replies on closed
tickets."""

import unittest

from tixclient import cast, Client, ticket_row
from tixflow import FlowCase, set_status, tpath


class ReopenCase(FlowCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cast(cls, admin=True)

    def closed(self, ago="0 seconds"):
        """A ticket of cust, closed (and resolved) ago."""
        n = self.new_ticket(self.c)
        set_status(n, "closed", ago)
        return n

    def reopen(self, client, number, body):
        r = client.post(tpath(number, "/reopen"), body)
        data = self.assertJson(r, 200)
        self.assertEqual(set(data), {"ticket"}, data)
        t = data["ticket"]
        self.assertDetail(t)
        self.assertEqual(t["number"], number)
        return t

    def rejected(self, client, number, body, status, code, fields=None):
        with self.nothing_written(number):
            r = client.post(tpath(number, "/reopen"), body)
            self.assertError(r, status, code, fields)
        return r


class ReopenTest(ReopenCase):

    def test_requester_reopens(self):
        n = self.closed()
        before = self.detail(self.c, n)
        self.assertTrue(before["can_reopen"])
        self.assertIsNotNone(before["closed_at"])
        t = self.reopen(self.c, n, {"body": "It is broken again."})
        self.assertEqual(t["status"], "open")
        self.assertIsNone(t["closed_at"])
        self.assertIsNone(t["resolved_at"])
        self.assertFalse(t["can_reopen"])
        e = t["timeline"][-1]
        self.assertEqual(e["type"], "reopened")
        self.assertEqual(e["body"], "It is broken again.")
        self.assertActor(e, self.cust)
        self.assertEqual(len(t["timeline"]), len(before["timeline"]) + 1)
        self.assertEqual(ticket_row(n, "status, closed_at, resolved_at"),
                         ["open", "", ""])
        # The agent sees the same entry.
        ta = self.detail(self.a, n)
        self.assertEqual(ta["timeline"][-1]["id"], e["id"])
        self.assertEqual(ta["status"], "open")

    def test_agent_and_admin_reopen(self):
        for who, user, client in (("agent", self.agent, self.a),
                                  ("admin", self.admin, self.ad)):
            with self.subTest(who=who):
                n = self.closed()
                t = self.reopen(client, n, {"body": "Reopening for you."})
                self.assertEqual(t["status"], "open")
                self.assertIsNone(t["closed_at"])
                self.assertIsNone(t["resolved_at"])
                e = t["timeline"][-1]
                self.assertEqual(e["type"], "reopened")
                self.assertEqual(e["body"], "Reopening for you.")
                self.assertActor(e, user)
                # The customer sees who reopened it.
                tc = self.detail(self.c, n)
                self.assertEqual(tc["status"], "open")
                self.assertEqual(tc["timeline"][-1]["id"], e["id"])

    def test_reopen_with_token_is_via_api(self):
        _, token = self.c.new_token()
        n = self.closed()
        t = self.reopen(Client(token=token), n, {"body": "via a script"})
        self.assertActor(t["timeline"][-1], self.cust, via="api")

    def test_reply_after_reopen(self):
        n = self.closed()
        self.reopen(self.c, n, {"body": "again"})
        r = self.c.post(tpath(n, "/messages"), {"body": "more info"})
        self.assertStatus(r, 201)
        r = self.a.post(tpath(n, "/messages"), {"body": "on it"})
        self.assertStatus(r, 201)
        self.assertEqual(r.body["ticket"]["status"], "waiting")

    def test_full_cycle_through_the_api(self):
        n = self.new_ticket(self.c)
        r = self.a.patch(tpath(n), {"status": "resolved"})
        self.assertStatus(r, 200)
        r = self.c.patch(tpath(n), {"status": "closed"})
        self.assertStatus(r, 200)
        self.assertTrue(r.json()["ticket"]["can_reopen"])
        t = self.reopen(self.c, n, {"body": "not fixed after all"})
        self.assertEqual(t["status"], "open")
        self.assertIsNone(t["resolved_at"])
        self.assertIsNone(t["closed_at"])
        types = [e["type"] for e in t["timeline"]]
        self.assertEqual(types, ["created", "status_changed",
                                 "status_changed", "reopened"])
        self.assertOrdered(t["timeline"])
        # It can be closed and reopened again.
        r = self.c.patch(tpath(n), {"status": "closed"})
        self.assertStatus(r, 200)
        t = self.reopen(self.a, n, {"body": "second time"})
        self.assertEqual(t["status"], "open")
        self.assertEqual([e["type"] for e in t["timeline"]].count("reopened"),
                         2)

    def test_only_closed_tickets(self):
        for status in ("open", "in_progress", "waiting", "resolved"):
            with self.subTest(status=status):
                n = self.new_ticket(self.c)
                if status != "open":
                    set_status(n, status)
                self.assertFalse(self.detail(self.c, n)["can_reopen"])
                for client in (self.c, self.a):
                    self.rejected(client, n, {"body": "please"}, 409,
                                  "invalid_transition")

    def test_window_of_30_days(self):
        n = self.closed("29 days")
        self.assertTrue(self.detail(self.c, n)["can_reopen"])
        self.assertTrue(self.detail(self.a, n)["can_reopen"])
        t = self.reopen(self.c, n, {"body": "within the window"})
        self.assertEqual(t["status"], "open")
        for client in (self.c, self.a):
            with self.subTest(client=client is self.a and "agent"
                              or "customer"):
                m = self.closed("31 days")
                self.assertFalse(self.detail(self.c, m)["can_reopen"])
                self.assertFalse(self.detail(self.a, m)["can_reopen"])
                self.rejected(client, m, {"body": "too late"}, 409,
                              "reopen_window_expired")
                self.assertEqual(ticket_row(m, "status")[0], "closed")

    def test_body_rules(self):
        n = self.closed()
        for body in ({}, {"body": ""}, {"body": "x" * 20001},
                     {"body": "\U0001F600" * 20001}):
            with self.subTest(size=len(body.get("body", "-"))):
                self.rejected(self.c, n, body, 422, "validation_failed",
                              fields=["body"])
        for body in ({"body": 5}, {"body": None}, {"body": ["x"]}):
            with self.subTest(body=body):
                self.rejected(self.c, n, body, 400, "bad_request")
        for raw in (b"[]", b'{"body":', b'{"body":"a","body":"b"}'):
            with self.subTest(raw=raw):
                with self.nothing_written(n):
                    r = self.c.post(tpath(n, "/reopen"), raw=raw)
                    self.assertError(r, 400, "bad_request")
        t = self.reopen(self.c, n, {"body": "\u00e9" * 20000})
        self.assertEqual(t["timeline"][-1]["body"], "\u00e9" * 20000)

    def test_other_customers_404(self):
        n = self.closed()
        missing = self.s.post(tpath("TICK-999999", "/reopen"), {"body": "x"})
        self.assertError(missing, 404, "not_found")
        for who, client in (("same account", self.s),
                            ("other account", self.x)):
            with self.subTest(who=who):
                r = self.rejected(client, n, {"body": "let me"}, 404,
                                  "not_found")
                self.assertEqual(r.body, missing.body)
        # Even an expired or open ticket of someone else is 404, not 409.
        m = self.closed("31 days")
        self.rejected(self.x, m, {"body": "x"}, 404, "not_found")
        o = self.new_ticket(self.c)
        self.rejected(self.x, o, {"body": "x"}, 404, "not_found")

    def test_unauthenticated_and_csrf(self):
        n = self.closed()
        with self.nothing_written(n):
            r = Client().post(tpath(n, "/reopen"), {"body": "x"})
            self.assertError(r, 401, "unauthenticated")
            r = self.c.post(tpath(n, "/reopen"), {"body": "x"}, csrf=None)
            self.assertError(r, 403, "csrf_failed")


class ClosedRepliesTest(ReopenCase):

    def test_replies_on_closed_409(self):
        n = self.closed()
        for who, client in (("customer", self.c), ("agent", self.a),
                            ("admin", self.ad)):
            with self.subTest(who=who):
                with self.nothing_written(n):
                    r = client.post(tpath(n, "/messages"),
                                    {"body": "hello?", "internal": False})
                    self.assertError(r, 409, "ticket_closed")

    def test_note_on_closed_409(self):
        n = self.closed()
        with self.nothing_written(n):
            r = self.a.post(tpath(n, "/messages"),
                            {"body": "note", "internal": True})
            self.assertError(r, 409, "ticket_closed")

    def test_can_reopen_flag(self):
        n = self.new_ticket(self.c)
        self.assertFalse(self.detail(self.c, n)["can_reopen"])
        set_status(n, "resolved")
        self.assertFalse(self.detail(self.c, n)["can_reopen"])
        set_status(n, "closed", "1 day")
        self.assertTrue(self.detail(self.c, n)["can_reopen"])
        self.assertTrue(self.detail(self.a, n)["can_reopen"])
        set_status(n, "closed", "31 days")
        self.assertFalse(self.detail(self.c, n)["can_reopen"])
        self.assertFalse(self.detail(self.a, n)["can_reopen"])


if __name__ == "__main__":
    unittest.main()
