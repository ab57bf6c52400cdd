"""POST /api/tickets extras: the Idempotency-Key header, and agents
opening a ticket for a customer (requester_email)."""

import threading
import unittest

from tixclient import (Client, count_tickets, login, make_user, psql_int,
                       ticket_body, unique)
from tixflow import FlowCase, db_entries, tpath


class IdempotencyTest(FlowCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cust = make_user("customer")
        cls.other = make_user("customer", account=cls.cust.account)
        cls.agent = make_user("agent")
        cls.c = login(cls.cust)
        cls.o = login(cls.other)
        cls.a = login(cls.agent)

    def post(self, client, body, key):
        headers = {"Idempotency-Key": key} if key is not None else None
        return client.post("/api/tickets", body, headers=headers)

    def created(self, r):
        t = self.assertJson(r, 201)["ticket"]
        self.assertDetail(t)
        self.assertEqual(r.headers.get("Location"), tpath(t["number"]))
        return t

    def test_replay_returns_the_same_ticket(self):
        key = unique("key")
        body = ticket_body()
        before = count_tickets(self.cust.email)
        first = self.created(self.post(self.c, body, key))
        second = self.created(self.post(self.c, body, key))
        self.assertEqual(second["number"], first["number"])
        self.assertEqual(second["subject"], body["subject"])
        self.assertEqual(second["description"], body["description"])
        self.assertEqual(count_tickets(self.cust.email), before + 1)
        self.assertEqual([e["type"] for e in db_entries(first["number"])],
                         ["created"])
        third = self.created(self.post(self.c, body, key))
        self.assertEqual(third["number"], first["number"])
        self.assertEqual(count_tickets(self.cust.email), before + 1)

    def test_same_key_other_body_422(self):
        key = unique("key")
        body = ticket_body()
        first = self.created(self.post(self.c, body, key))
        before = count_tickets(self.cust.email)
        for change in ({"subject": "Another subject"},
                       {"description": "Another description"},
                       {"priority": "high"}, {"category": "billing"}):
            with self.subTest(change=change):
                other = dict(body)
                other.update(change)
                r = self.post(self.c, other, key)
                self.assertError(r, 422, "validation_failed",
                                 fields=["Idempotency-Key"])
                self.assertIsNone(r.headers.get("Location"))
                self.assertEqual(count_tickets(self.cust.email), before)
        # The original still replays.
        again = self.created(self.post(self.c, body, key))
        self.assertEqual(again["number"], first["number"])

    def test_keys_are_per_user(self):
        key = unique("key")
        body = ticket_body()
        mine = self.created(self.post(self.c, body, key))
        before = count_tickets(self.other.email)
        theirs = self.created(self.post(self.o, body, key))
        self.assertNotEqual(theirs["number"], mine["number"])
        self.assertEqual(theirs["requester"]["id"], self.other.id)
        self.assertEqual(count_tickets(self.other.email), before + 1)
        # Another body from the other user with the key is theirs to judge.
        r = self.post(self.o, ticket_body(), key)
        self.assertError(r, 422, "validation_failed")
        # The other user's replay gets their own ticket back.
        again = self.created(self.post(self.o, body, key))
        self.assertEqual(again["number"], theirs["number"])
        # And mine still is mine.
        again = self.created(self.post(self.c, body, key))
        self.assertEqual(again["number"], mine["number"])

    def test_same_user_by_token_shares_keys(self):
        key = unique("key")
        body = ticket_body()
        first = self.created(self.post(self.c, body, key))
        _, token = self.c.new_token()
        before = count_tickets(self.cust.email)
        second = self.created(self.post(Client(token=token), body, key))
        self.assertEqual(second["number"], first["number"])
        self.assertEqual(count_tickets(self.cust.email), before)

    def test_without_key_two_tickets(self):
        body = ticket_body()
        before = count_tickets(self.cust.email)
        a = self.created(self.post(self.c, body, None))
        b = self.created(self.post(self.c, body, None))
        self.assertNotEqual(a["number"], b["number"])
        self.assertEqual(count_tickets(self.cust.email), before + 2)

    def test_different_keys_two_tickets(self):
        body = ticket_body()
        before = count_tickets(self.cust.email)
        a = self.created(self.post(self.c, body, unique("key")))
        b = self.created(self.post(self.c, body, unique("key")))
        self.assertNotEqual(a["number"], b["number"])
        self.assertEqual(count_tickets(self.cust.email), before + 2)

    def test_key_length(self):
        before = count_tickets(self.cust.email)
        for key in ("k" * 101, "x" * 1000, ""):
            with self.subTest(length=len(key)):
                r = self.post(self.c, ticket_body(), key)
                self.assertError(r, 400, "bad_request")
                self.assertEqual(count_tickets(self.cust.email), before)
        body = ticket_body()
        key = (unique("k") + "k" * 100)[:100]
        a = self.created(self.post(self.c, body, key))
        b = self.created(self.post(self.c, body, key))
        self.assertEqual(a["number"], b["number"])
        body = ticket_body()
        a = self.created(self.post(self.c, body, "1"))
        b = self.created(self.post(self.c, body, "1"))
        self.assertEqual(a["number"], b["number"])
        self.assertEqual(count_tickets(self.cust.email), before + 2)

    def test_rejected_create_is_not_remembered(self):
        key = unique("key")
        body = ticket_body(category="hardware")
        before = count_tickets(self.cust.email)
        r = self.post(self.c, body, key)
        self.assertError(r, 422, "validation_failed", fields=["category"])
        # The corrected body with the same key creates the ticket.
        good = ticket_body(category="billing")
        t = self.created(self.post(self.c, good, key))
        self.assertEqual(t["category"], "billing")
        self.assertEqual(count_tickets(self.cust.email), before + 1)

    def test_parallel_same_key(self):
        key = unique("key")
        body = ticket_body()
        _, token = self.c.new_token()
        before = count_tickets(self.cust.email)
        results = [None] * 10
        barrier = threading.Barrier(10)

        def worker(i):
            client = Client(token=token)
            barrier.wait()
            try:
                results[i] = self.post(client, body, key)
            except Exception as exc:  # reported below
                results[i] = exc

        threads = [threading.Thread(target=worker, args=(i,))
                   for i in range(10)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        statuses = [getattr(r, "status", r) for r in results]
        self.assertEqual(statuses, [201] * 10, results)
        numbers = {r.body["ticket"]["number"] for r in results}
        self.assertEqual(len(numbers), 1, numbers)
        self.assertEqual(count_tickets(self.cust.email), before + 1)
        n = numbers.pop()
        self.assertEqual([e["type"] for e in db_entries(n)], ["created"])

    def test_parallel_same_key_two_bodies(self):
        key = unique("key")
        bodies = [ticket_body(subject="Body A"), ticket_body(subject="Body B")]
        _, token = self.c.new_token()
        before = count_tickets(self.cust.email)
        results = [None] * 10
        barrier = threading.Barrier(10)

        def worker(i):
            client = Client(token=token)
            barrier.wait()
            try:
                results[i] = self.post(client, bodies[i % 2], key)
            except Exception as exc:  # reported below
                results[i] = exc

        threads = [threading.Thread(target=worker, args=(i,))
                   for i in range(10)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        statuses = [getattr(r, "status", r) for r in results]
        self.assertEqual(count_tickets(self.cust.email), before + 1, results)
        # One body won: all its posts are 201 with the one ticket, all
        # posts of the other body are 422.
        won = [i % 2 for i, s in enumerate(statuses) if s == 201]
        self.assertTrue(won, results)
        winner = won[0]
        for i, r in enumerate(results):
            if i % 2 == winner:
                self.assertStatus(r, 201)
            else:
                self.assertError(r, 422, "validation_failed")
        numbers = {r.body["ticket"]["number"] for r in results
                   if r.status == 201}
        self.assertEqual(len(numbers), 1, numbers)
        t = self.detail(self.c, numbers.pop())
        self.assertEqual(t["subject"], bodies[winner]["subject"])


class AgentOpensTicketTest(FlowCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cust = make_user("customer")
        cls.agent = make_user("agent")
        cls.agent2 = make_user("agent")
        cls.c = login(cls.cust)
        cls.a = login(cls.agent)

    def test_for_a_customer(self):
        before = count_tickets(self.cust.email)
        r = self.a.post("/api/tickets",
                        ticket_body(requester_email=self.cust.email,
                                    subject="Opened by phone"))
        t = self.assertJson(r, 201)["ticket"]
        self.assertEqual(t["requester"]["id"], self.cust.id)
        self.assertEqual(t["requester"]["email"], self.cust.email)
        created = t["timeline"][0]
        self.assertEqual(created["type"], "created")
        self.assertActor(created, self.agent)
        self.assertEqual(count_tickets(self.cust.email), before + 1)
        self.assertEqual(db_entries(t["number"])[0]["actor_id"],
                         self.agent.id)
        # The customer has it in their list and can read it.
        r = self.c.get("/api/tickets", query={"per_page": 100})
        rows = self.assertJson(r, 200)["tickets"]
        self.assertIn(t["number"], [x["number"] for x in rows])
        tc = self.detail(self.c, t["number"])
        self.assertEqual(tc["subject"], "Opened by phone")
        self.assertEqual(tc["timeline"][0]["actor"]["id"], self.agent.id)

    def test_rejections(self):
        for email in ("nobody-%s@example.com" % unique("x"),
                      self.agent2.email, self.agent.email):
            with self.subTest(email=email):
                before = psql_int("SELECT count(*) FROM tickets")
                r = self.a.post("/api/tickets",
                                ticket_body(requester_email=email))
                self.assertError(r, 422, "validation_failed",
                                 fields=["requester_email"])
                self.assertEqual(psql_int("SELECT count(*) FROM tickets"),
                                 before)
        before = count_tickets(self.cust.email)
        r = self.c.post("/api/tickets",
                        ticket_body(requester_email=self.cust.email))
        self.assertError(r, 403, "forbidden")
        self.assertEqual(count_tickets(self.cust.email), before)

    def test_with_idempotency_key(self):
        key = unique("key")
        body = ticket_body(requester_email=self.cust.email)
        before = count_tickets(self.cust.email)
        r1 = self.a.post("/api/tickets", body,
                         headers={"Idempotency-Key": key})
        r2 = self.a.post("/api/tickets", body,
                         headers={"Idempotency-Key": key})
        n1 = self.assertJson(r1, 201)["ticket"]["number"]
        n2 = self.assertJson(r2, 201)["ticket"]["number"]
        self.assertEqual(n1, n2)
        self.assertEqual(count_tickets(self.cust.email), before + 1)


if __name__ == "__main__":
    unittest.main()
