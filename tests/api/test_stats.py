"""GET /api/tickets/stats: counts by status, unassigned and breached
(agents: every ticket; customers: their own, without unassigned).
Other tests create tickets too, so the agent's counts are checked by
their differences."""

import unittest

from tixclient import cast, Client, login, make_user
from tixflow import (FlowCase, STATUSES, set_assignee, set_due_past,
                     set_status, tpath)

STATS = "/api/tickets/stats"


class StatsTest(FlowCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cast(cls, admin=True)

    def stats(self, client, customer=False):
        r = client.get(STATS)
        body = self.assertJson(r, 200)
        keys = {"by_status", "breached"} | (set() if customer
                                            else {"unassigned"})
        self.assertEqual(set(body), keys, body)
        self.assertEqual(set(body["by_status"]), set(STATUSES), body)
        for v in list(body["by_status"].values()) + [body["breached"]]:
            self.assertIsInstance(v, int)
            self.assertNotIsInstance(v, bool)
            self.assertGreaterEqual(v, 0)
        if not customer:
            self.assertIsInstance(body["unassigned"], int)
        return body

    def delta(self, before, after):
        d = {s: after["by_status"][s] - before["by_status"][s]
             for s in STATUSES}
        d["breached"] = after["breached"] - before["breached"]
        if "unassigned" in after:
            d["unassigned"] = after["unassigned"] - before["unassigned"]
        return d

    def test_agent_counts_by_delta(self):
        before = self.stats(self.a)
        self.assertEqual(self.stats(self.ad), before)
        mk = lambda: self.new_ticket(self.x)  # noqa: E731
        a = mk()                            # open, unassigned
        b = mk()                            # in_progress, assigned
        set_status(b, "in_progress")
        set_assignee(b, self.agent.id)
        c = mk()                            # waiting, unassigned, breached
        set_status(c, "waiting")
        set_due_past(c)
        d = mk()                            # resolved, unassigned, overdue
        set_status(d, "resolved")
        set_due_past(d)
        e = mk()                            # closed, unassigned, overdue
        set_status(e, "closed")
        set_due_past(e)
        f = mk()                            # open, assigned, breached
        set_assignee(f, self.admin.id)
        set_due_past(f)
        g = self.new_ticket(self.c)         # another customer: open
        self.assertTrue(a and g)
        after = self.stats(self.a)
        self.assertEqual(self.delta(before, after), {
            "open": 3, "in_progress": 1, "waiting": 1, "resolved": 1,
            "closed": 1, "unassigned": 3, "breached": 2})
        self.assertEqual(self.stats(self.ad), after)

    def test_agent_counts_follow_changes(self):
        n = self.new_ticket(self.c)
        before = self.stats(self.a)
        r = self.a.patch(tpath(n), {"status": "in_progress",
                                    "assignee_id": self.agent.id})
        self.assertStatus(r, 200)
        after = self.stats(self.a)
        self.assertEqual(self.delta(before, after), {
            "open": -1, "in_progress": 1, "waiting": 0, "resolved": 0,
            "closed": 0, "unassigned": -1, "breached": 0})
        set_due_past(n)
        later = self.stats(self.a)
        self.assertEqual(self.delta(after, later)["breached"], 1)
        # A late reply keeps it breached; resolving takes it out.
        r = self.a.post(tpath(n, "/messages"), {"body": "late"})
        self.assertStatus(r, 201)
        last = self.stats(self.a)
        self.assertEqual(self.delta(later, last), {
            "open": 0, "in_progress": -1, "waiting": 1, "resolved": 0,
            "closed": 0, "unassigned": 0, "breached": 0})
        r = self.a.patch(tpath(n), {"status": "resolved"})
        self.assertStatus(r, 200)
        final = self.stats(self.a)
        self.assertEqual(self.delta(last, final), {
            "open": 0, "in_progress": 0, "waiting": -1, "resolved": 1,
            "closed": 0, "unassigned": 0, "breached": -1})

    def test_customer_sees_own_counts(self):
        cust = make_user("customer", account=self.cust.account)
        c = login(cust)
        empty = self.stats(c, customer=True)
        self.assertEqual(empty, {"by_status": {s: 0 for s in STATUSES},
                                 "breached": 0})
        n1 = self.new_ticket(c)
        n2 = self.new_ticket(c)
        set_status(n2, "waiting")
        set_due_past(n2)
        n3 = self.new_ticket(c)
        set_status(n3, "resolved")
        set_due_past(n3)
        n4 = self.new_ticket(c)
        set_status(n4, "closed")
        self.assertTrue(n1)
        # Tickets of others in the same account do not count.
        self.new_ticket(self.c)
        self.new_ticket(self.s)
        got = self.stats(c, customer=True)
        self.assertEqual(got, {
            "by_status": {"open": 1, "in_progress": 0, "waiting": 1,
                          "resolved": 1, "closed": 1},
            "breached": 1})
        self.assertNotIn(b"unassigned", c.get(STATS).raw)

    def test_customer_counts_only_own(self):
        cust = make_user("customer")
        c = login(cust)
        before_other = self.stats(self.x, customer=True)
        for _ in range(2):
            self.new_ticket(c)
        self.assertEqual(self.stats(c, customer=True)["by_status"]["open"],
                         2)
        self.assertEqual(self.stats(self.x, customer=True), before_other)

    def test_customer_counts_with_token(self):
        cust = make_user("customer")
        c = login(cust)
        self.new_ticket(c)
        _, token = c.new_token()
        got = self.stats(Client(token=token), customer=True)
        self.assertEqual(got["by_status"]["open"], 1)

    def test_unauthenticated(self):
        self.assertError(Client().get(STATS), 401, "unauthenticated")

    def test_other_methods_405(self):
        for method in ("POST", "PUT"):
            with self.subTest(method=method):
                r = self.a.request(method, STATS, {})
                self.assertError(r, 405, "method_not_allowed")
                self.assertIn("GET", r.headers.get("Allow") or "")
        # PATCH and DELETE belong to /api/tickets/{number}: "stats" is no
        # ticket there, or the method is not allowed on stats.
        for method, body in (("PATCH", {"status": "closed"}),
                             ("DELETE", None)):
            with self.subTest(method=method):
                r = self.ad.request(method, STATS, body)
                self.assertIn(r.status, (404, 405), r)
                self.assertError(r, r.status, {404: "not_found",
                                               405: "method_not_allowed"}
                                 [r.status])


if __name__ == "__main__":
    unittest.main()
