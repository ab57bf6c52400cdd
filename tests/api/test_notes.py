"""Internal notes: agents only, and never visible to the customer: not
in the timeline, not in search, not in counts, not in updated_at."""

import time
import unittest

from tixclient import cast, Client, unique_word
from tixflow import FlowCase, db_entries, set_status, tpath


class NotesTest(FlowCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cast(cls, admin=True)

    def note(self, client, number, text):
        r = client.post(tpath(number, "/messages"),
                        {"body": text, "internal": True})
        data = self.assertJson(r, 201)
        self.assertEqual(data["entry"]["type"], "note")
        return data

    def listing(self, client, **query):
        r = client.get("/api/tickets", query=query)
        return self.assertJson(r, 200)

    def test_customer_may_not_write_notes(self):
        n = self.new_ticket(self.c)
        with self.nothing_written(n):
            r = self.c.post(tpath(n, "/messages"),
                            {"body": "sneaky", "internal": True})
            self.assertError(r, 403, "forbidden")
        _, token = self.c.new_token()
        with self.nothing_written(n):
            r = Client(token=token).post(tpath(n, "/messages"),
                                         {"body": "x", "internal": True})
            self.assertError(r, 403, "forbidden")
        self.assertEqual([e["type"] for e in db_entries(n)], ["created"])

    def test_customer_note_forbidden_before_field_checks(self):
        # The role decides first: a customer's note is 403 whatever its
        # body, never a validation answer about a request they may not make.
        n = self.new_ticket(self.c)
        for body in ({"body": "", "internal": True},
                     {"body": "x" * 20001, "internal": True}):
            with self.subTest(size=len(body["body"])):
                with self.nothing_written(n):
                    r = self.c.post(tpath(n, "/messages"), body)
                    self.assertError(r, 403, "forbidden")

    def test_note_entry_for_agents(self):
        n = self.new_ticket(self.c)
        data = self.note(self.a, n, "Checked the logs.")
        e = data["entry"]
        self.assertActor(e, self.agent)
        self.assertEqual(e["body"], "Checked the logs.")
        self.assertEqual(data["ticket"]["status"], "open")
        self.assertIsNone(data["ticket"]["first_response_at"])
        _, token = self.ad.new_token()
        data = self.note(Client(token=token), n, "Admin note")
        self.assertActor(data["entry"], self.admin, via="api")
        for client in (self.a, self.ad):
            t = self.detail(client, n)
            self.assertEqual([x["type"] for x in t["timeline"]],
                             ["created", "note", "note"])
            self.assertEqual(t["timeline"][1]["body"], "Checked the logs.")
        rows = db_entries(n)
        self.assertEqual([(x["type"], x["internal"]) for x in rows],
                         [("created", False), ("note", True),
                          ("note", True)])

    def test_note_changes_no_status(self):
        for status in ("in_progress", "waiting", "resolved"):
            with self.subTest(status=status):
                n = self.new_ticket(self.c)
                set_status(n, status)
                data = self.note(self.a, n, "just a note")
                self.assertEqual(data["ticket"]["status"], status)
                self.assertEqual(self.detail(self.c, n)["status"], status)
                self.assertIsNone(data["ticket"]["first_response_at"])

    def test_customer_never_sees_notes(self):
        secret = unique_word()
        n = self.new_ticket(self.c)
        self.note(self.a, n, "Suspect %s in the logs" % secret)
        self.c.post(tpath(n, "/messages"), {"body": "public one"})
        self.a.post(tpath(n, "/messages"), {"body": "public answer"})
        self.note(self.a, n, "Second %s note" % secret.upper())
        g = self.c.get(tpath(n))
        t = self.assertJson(g, 200)["ticket"]
        types = [x["type"] for x in t["timeline"]]
        self.assertNotIn("note", types)
        self.assertEqual(types.count("message"), 2)
        self.assertNotIn(secret.encode(), g.raw.lower())
        self.assertNotIn(b'"note"', g.raw)
        # The agent has both notes.
        ta = self.detail(self.a, n)
        self.assertEqual([x["type"] for x in ta["timeline"]].count("note"),
                         2)
        # Nor in any list the customer can get.
        for query in ({}, {"q": secret}, {"q": n}, {"status": "waiting"},
                      {"sort": "priority"}):
            with self.subTest(query=query):
                r = self.c.get("/api/tickets", query=query)
                self.assertJson(r, 200)
                self.assertNotIn(secret.encode(), r.raw.lower())
        r = self.c.get("/api/tickets/stats")
        self.assertNotIn(secret.encode(), r.raw.lower())

    def test_note_text_is_not_searchable_for_customers(self):
        secret = unique_word()
        n = self.new_ticket(self.c)
        self.note(self.a, n, "Internal: %s suspected" % secret)
        body = self.listing(self.c, q=secret)
        self.assertEqual(body["tickets"], [])
        self.assertEqual(body["total"], 0)
        body = self.listing(self.c, q=secret.upper(), per_page=100)
        self.assertEqual(body["total"], 0)
        # Two words, one public and one from the note: no match either.
        public = unique_word()
        self.c.post(tpath(n, "/messages"), {"body": "about %s" % public})
        body = self.listing(self.c, q="%s %s" % (public, secret))
        self.assertEqual(body["total"], 0)
        body = self.listing(self.c, q=public)
        self.assertEqual([x["number"] for x in body["tickets"]], [n])
        # Agents find the ticket by the note's text.
        for client in (self.a, self.ad):
            body = self.listing(client, q=secret)
            self.assertEqual([x["number"] for x in body["tickets"]], [n])
            self.assertEqual(body["total"], 1)
            body = self.listing(client, q="%s %s" % (public, secret))
            self.assertEqual(body["total"], 1)

    def test_counts_ignore_notes(self):
        n = self.new_ticket(self.c)
        before = self.listing(self.c)["total"]
        stats_before = self.c.get("/api/tickets/stats")
        self.note(self.a, n, "a note")
        self.note(self.a, n, "another note")
        self.assertEqual(self.listing(self.c)["total"], before)
        stats_after = self.c.get("/api/tickets/stats")
        self.assertEqual(stats_after.status, stats_before.status)
        if stats_before.status == 200:
            self.assertEqual(stats_after.body, stats_before.body)
        t = self.detail(self.c, n)
        self.assertEqual(len(t["timeline"]), 1)

    def test_updated_at_for_customer_stays(self):
        n = self.new_ticket(self.c)
        before_c = self.detail(self.c, n)["updated_at"]
        before_a = self.detail(self.a, n)["updated_at"]
        time.sleep(1.1)
        self.note(self.a, n, "quiet note")
        after_c = self.detail(self.c, n)
        after_a = self.detail(self.a, n)
        self.assertEqual(after_c["updated_at"], before_c)
        self.assertGreater(after_a["updated_at"], before_a)
        # The customer's list shows the same time.
        rows = self.listing(self.c, q=n)["tickets"]
        self.assertEqual(rows[0]["updated_at"], before_c)
        rows = self.listing(self.a, q=n)["tickets"]
        self.assertEqual(rows[0]["updated_at"], after_a["updated_at"])
        # A public reply moves it for both.
        time.sleep(1.1)
        self.a.post(tpath(n, "/messages"), {"body": "public"})
        self.assertGreater(self.detail(self.c, n)["updated_at"], before_c)

    def test_note_does_not_reorder_customer_list(self):
        first = self.new_ticket(self.s)
        time.sleep(1.1)
        second = self.new_ticket(self.s)
        time.sleep(1.1)
        self.note(self.a, first, "only for agents")
        rows = self.listing(self.s, sort="-updated_at")["tickets"]
        self.assertEqual([x["number"] for x in rows][:2], [second, first])

    def test_same_account_customer_sees_nothing(self):
        n = self.new_ticket(self.c)
        self.note(self.a, n, "x")
        r = self.s.get(tpath(n))
        self.assertError(r, 404, "not_found")


if __name__ == "__main__":
    unittest.main()
