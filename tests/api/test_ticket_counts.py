"""An agent's list totals by status and assignment come from
ticket_counts (sql/025), kept by triggers in the transaction of each
change: they must equal the tickets themselves after every kind of
change, and stay exact when many change at once."""

import concurrent.futures
import unittest

from tixclient import cast, login, make_user, psql, psql_rows
from tixflow import FlowCase, tpath

CAP = 10000

# The list filters whose totals the counts answer, and the same filter
# in SQL over tickets.
FILTERS = [
    ({}, "true"),
    ({"status": "open"}, "status = 'open'"),
    ({"status": "open,waiting"}, "status IN ('open', 'waiting')"),
    ({"status": "closed"}, "status = 'closed'"),
    ({"assignee": "none"}, "assignee_id IS NULL"),
    ({"status": "open,in_progress", "assignee": "none"},
     "status IN ('open', 'in_progress') AND assignee_id IS NULL"),
]


def query(params):
    return "&".join("%s=%s" % kv for kv in sorted(params.items()))


class TicketCountsTest(FlowCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cast(cls, admin=True)

    def assertTotalsTrue(self, when):
        for params, where in FILTERS:
            with self.subTest(when=when, filter=params):
                r = self.a.get("/api/tickets?" + query(params) + "&per_page=1")
                body = self.assertJson(r, 200)
                n = int(psql("SELECT count(*) FROM tickets WHERE %s" % where))
                self.assertEqual(body["total"], min(n, CAP), when)
                self.assertEqual(body["total_capped"], n > CAP, when)

    def assertCountsExact(self):
        """Every key's sum equals its tickets (and no key is missing)."""
        rows = psql_rows(
            "SELECT coalesce(c.status::text, t.status::text),"
            " coalesce(c.unassigned, t.unassigned), coalesce(c.n, 0),"
            " coalesce(t.n, 0)"
            " FROM (SELECT status, unassigned, sum(n) n FROM ticket_counts"
            "  GROUP BY 1, 2) c FULL JOIN (SELECT status,"
            "  assignee_id IS NULL unassigned, count(*) n FROM tickets"
            "  GROUP BY 1, 2) t USING (status, unassigned)")
        self.assertTrue(rows)
        for status, unassigned, counted, real in rows:
            self.assertEqual(counted, real, (status, unassigned))

    def test_totals_follow_every_change(self):
        self.assertTotalsTrue("at the start")
        numbers = [self.new_ticket(self.c) for _ in range(3)]
        self.assertTotalsTrue("after three creates")
        n0, n1, n2 = numbers
        self.assertJson(self.a.patch(tpath(n0), {"assignee_id":
                                                 self.agent.id}), 200)
        self.assertTotalsTrue("assigned")
        self.assertJson(self.a.patch(tpath(n0), {"status": "waiting"}), 200)
        self.assertTotalsTrue("waiting")
        self.assertJson(self.a.patch(tpath(n0), {"assignee_id": None}), 200)
        self.assertTotalsTrue("unassigned")
        # A reply that changes nothing counted, then one that does.
        self.assertJson(self.a.post(tpath(n1, "/messages"),
                                    {"body": "Looking into it."}), 201)
        self.assertJson(self.c.post(tpath(n0, "/messages"),
                                    {"body": "Any news?"}), 201)
        self.assertTotalsTrue("replies")
        self.assertJson(self.c.patch(tpath(n1), {"status": "closed"}), 200)
        self.assertTotalsTrue("closed by its customer")
        self.assertJson(self.c.post(tpath(n1, "/reopen"),
                                    {"body": "It came back."}), 200)
        self.assertTotalsTrue("reopened")
        r = self.ad.delete(tpath(n2))
        self.assertEqual(r.status, 204, r)
        self.assertTotalsTrue("deleted")
        self.assertCountsExact()

    def test_counts_stay_exact_under_concurrent_changes(self):
        agents = [make_user("agent") for _ in range(3)]
        clients = [login(u) for u in agents]
        numbers = [self.new_ticket(self.c) for _ in range(12)]
        steps = [{"status": "in_progress"}, {"assignee_id": None},
                 {"status": "waiting"}, {"status": "open"},
                 {"status": "resolved"}, {"status": "open"}]

        def walk(i):
            client = clients[i % len(clients)]
            answers = []
            for k, step in enumerate(steps * 2):
                # Every ticket of the same shard key moves at once.
                body = dict(step)
                if "assignee_id" not in body and k % 3 == 0:
                    body["assignee_id"] = agents[i % len(agents)].id
                r = client.patch(tpath(numbers[i]), body)
                answers.append(r.status)
            return answers

        with concurrent.futures.ThreadPoolExecutor(12) as pool:
            for answers in pool.map(walk, range(len(numbers))):
                self.assertEqual(set(answers), {200}, answers)
        self.assertCountsExact()
        self.assertTotalsTrue("after concurrent changes")


if __name__ == "__main__":
    unittest.main()
