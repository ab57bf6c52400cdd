"""Many requests at once: parallel creates get distinct numbers, parallel
replies all land in the timeline."""

import threading
import unittest

from tixclient import (Client, count_tickets, login, make_user, ticket_body,
                       ticket_int)
from tixflow import (FlowCase, db_entries, db_entries_of, set_created,
                     set_due_past, set_status, tpath)


def clone(client):
    """A new Client with the same session (its own connections)."""
    c = Client()
    c.cookies = dict(client.cookies)
    c.csrf_token = client.csrf_token
    c.user = client.user
    return c


def run_parallel(jobs, timeout=180):
    """Run the callables at once (one thread each, released together);
    returns their results, or the exception each raised."""
    results = [None] * len(jobs)
    barrier = threading.Barrier(len(jobs))

    def worker(i):
        try:
            barrier.wait(60)
            results[i] = jobs[i]()
        except Exception as exc:  # reported by the caller
            results[i] = exc

    threads = [threading.Thread(target=worker, args=(i,))
               for i in range(len(jobs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout)
    return results


class ConcurrencyTest(FlowCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customers = [make_user("customer") for _ in range(5)]
        cls.clients = [login(u) for u in cls.customers]
        cls.agent = make_user("agent")
        cls.a = login(cls.agent)

    def test_parallel_creates(self):
        before = [count_tickets(u.email) for u in self.customers]
        jobs, bodies = [], []
        for i in range(50):
            owner = self.clients[i % 5]
            client = clone(owner)
            if i % 10 == 9:
                # Some by bearer token.
                client = Client(token=owner.new_token()[1])
            body = ticket_body(subject="Parallel %d" % i)
            bodies.append(body)
            jobs.append(lambda c=client, b=body: c.post("/api/tickets", b))
        results = run_parallel(jobs)
        statuses = [getattr(r, "status", r) for r in results]
        self.assertEqual(statuses, [201] * 50, results)
        numbers = [r.body["ticket"]["number"] for r in results]
        self.assertEqual(len(set(numbers)), 50, numbers)
        for i, r in enumerate(results):
            t = r.body["ticket"]
            self.assertEqual(t["subject"], bodies[i]["subject"])
            self.assertEqual(t["requester"]["id"], self.customers[i % 5].id)
            self.assertEqual(r.headers.get("Location"), tpath(t["number"]))
            self.assertEqual([e["type"] for e in t["timeline"]], ["created"])
        for u, b in zip(self.customers, before):
            self.assertEqual(count_tickets(u.email), b + 10)
        for n in numbers:
            self.assertGreaterEqual(ticket_int(n), 1001)
        # Each customer lists exactly their ten.
        for k, c in enumerate(self.clients):
            r = c.get("/api/tickets", query={"per_page": 100})
            got = {x["number"] for x in self.assertJson(r, 200)["tickets"]}
            mine = {numbers[i] for i in range(50) if i % 5 == k}
            self.assertLessEqual(mine, got)

    def test_parallel_replies(self):
        owner = self.clients[0]
        n = self.new_ticket(owner)
        jobs = []
        for i in range(20):
            if i % 2:
                c = clone(self.a)
                body = {"body": "agent reply %d" % i}
            else:
                c = clone(owner)
                body = {"body": "customer reply %d" % i}
            jobs.append(lambda c=c, b=body: c.post(tpath(n, "/messages"), b))
        results = run_parallel(jobs)
        statuses = [getattr(r, "status", r) for r in results]
        self.assertEqual(statuses, [201] * 20, results)
        ids = [r.body["entry"]["id"] for r in results]
        self.assertEqual(len(set(ids)), 20)
        t = self.detail(owner, n)
        msgs = [e for e in t["timeline"] if e["type"] == "message"]
        self.assertEqual(len(msgs), 20)
        self.assertEqual({e["id"] for e in msgs}, set(ids))
        expected = ({"agent reply %d" % i for i in range(1, 20, 2)}
                    | {"customer reply %d" % i for i in range(0, 20, 2)})
        self.assertEqual({e["body"] for e in msgs}, expected)
        self.assertOrdered(t["timeline"])
        rows = [e for e in db_entries(n) if e["type"] == "message"]
        self.assertEqual(len(rows), 20)
        self.assertIsNotNone(t["first_response_at"])
        self.assertIn(t["status"], ("open", "waiting"))


class ConcurrentChangesTest(FlowCase):
    """Changes racing on one ticket stay consistent: every status entry
    starts where the one before it ended."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cust = make_user("customer")
        cls.c = login(cls.cust)
        cls.agents = [make_user("agent") for _ in range(2)]
        cls.a = [login(u) for u in cls.agents]

    def assertChain(self, entries, type_, start, final):
        chain = [(e["from"], e["to"]) for e in entries if e["type"] == type_]
        prev = start
        for frm, to in chain:
            self.assertEqual(frm, prev, "broken %s chain %r" % (type_, chain))
            self.assertNotEqual(frm, to, chain)
            prev = to
        self.assertEqual(prev, final, chain)
        return chain

    def test_parallel_status_changes(self):
        n = self.new_ticket(self.c)
        targets = ["in_progress", "waiting", "resolved", "open"] * 5
        jobs = []
        for i, status in enumerate(targets):
            c = clone(self.a[i % 2])
            jobs.append(lambda c=c, s=status: c.patch(tpath(n),
                                                      {"status": s}))
        results = run_parallel(jobs)
        statuses = [getattr(r, "status", r) for r in results]
        self.assertEqual(statuses, [200] * len(targets), results)
        t = self.detail(self.a[0], n)
        self.assertOrdered(t["timeline"])
        self.assertChain(t["timeline"], "status_changed", "open",
                         t["status"])
        self.assertEqual(t["resolved_at"] is not None,
                         t["status"] == "resolved")

    def test_parallel_assignments(self):
        n = self.new_ticket(self.c)
        ids = [u.id for u in self.agents] + [None]
        names = {u.id: u.name for u in self.agents}
        jobs = []
        for i in range(18):
            c = clone(self.a[i % 2])
            jobs.append(lambda c=c, v=ids[i % 3]: c.patch(
                tpath(n), {"assignee_id": v}))
        results = run_parallel(jobs)
        statuses = [getattr(r, "status", r) for r in results]
        self.assertEqual(statuses, [200] * 18, results)
        t = self.detail(self.a[0], n)
        final = t["assignee"]["name"] if t["assignee"] else None
        if t["assignee"]:
            self.assertEqual(final, names[t["assignee"]["id"]])
        self.assertChain(t["timeline"], "assigned", None, final)

    def test_parallel_reopen_once(self):
        n = self.new_ticket(self.c)
        set_status(n, "closed")
        jobs = []
        for owner in [self.c] + self.a + [self.c] + self.a:
            jobs.append(lambda c=clone(owner): c.post(tpath(n, "/reopen"),
                                                      {"body": "again"}))
        results = run_parallel(jobs)
        statuses = sorted(getattr(r, "status", r) for r in results)
        self.assertEqual(statuses, [200] + [409] * (len(jobs) - 1), results)
        for r in results:
            if r.status == 409:
                self.assertError(r, 409, "invalid_transition")
        self.assertEqual(len(db_entries_of(n, "reopened")), 1)
        self.assertEqual(self.detail(self.c, n)["status"], "open")

    def test_parallel_customer_replies_escalate_step_by_step(self):
        n = self.new_ticket(self.c, priority="low")
        set_created(n, "2026-11-16 10:00Z")
        set_due_past(n)
        jobs = [lambda c=clone(self.c), i=i: c.post(
            tpath(n, "/messages"), {"body": "hello %d" % i})
            for i in range(8)]
        results = run_parallel(jobs)
        statuses = [getattr(r, "status", r) for r in results]
        self.assertEqual(statuses, [201] * 8, results)
        t = self.detail(self.a[0], n)
        # Each overdue reply raises one step: low -> normal -> high.
        self.assertEqual(t["priority"], "high")
        chain = self.assertChain(t["timeline"], "priority_changed", "low",
                                 "high")
        self.assertEqual(chain, [("low", "normal"), ("normal", "high")])
        self.assertEqual(t["sla"]["first_response_due_at"],
                         "2026-11-16T14:00:00Z")
        msgs = [e for e in t["timeline"] if e["type"] == "message"]
        self.assertEqual(len(msgs), 8)


if __name__ == "__main__":
    unittest.main()
