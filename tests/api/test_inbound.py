"""The review queue: mail that tix-mailin kept for review (here piped in
as an MTA would), listed for agents by GET /api/tickets/inbound and
turned into a ticket, appended to one, or discarded."""

import unittest
import uuid

from test_mailin import mailin, message, new_id
from tixclient import (ApiTestCase, Client, cast, create_ticket, login,
                       make_user, psql_int, require_env)
from tixflow import set_status

LIST = "/api/tickets/inbound"


def setUpModule():
    require_env("TIX_DATABASE_URL")


def stranger_address():
    return "someone-%s@elsewhere.example" % uuid.uuid4().hex[:10]


class InboundCase(ApiTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cast(cls)

    def keep(self, subject, body, sender=None, headers=()):
        """Pipe a mail from an unknown sender in; return its queue row."""
        sender = sender or stranger_address()
        raw = message(sender, subject, body, headers=headers)
        p = mailin(raw)
        self.assertEqual(p.returncode, 0, p.stderr.decode())
        return self.row(subject)

    def rows(self, **query):
        qs = "&".join("%s=%s" % kv for kv in query.items())
        r = self.a.get(LIST + ("?" + qs if qs else ""))
        self.assertStatus(r, 200)
        return r.body

    def row(self, subject):
        """The queue row with this subject (the newest 100 are enough)."""
        got = [i for i in self.rows(per_page=100)["inbound"]
               if i["subject"] == subject]
        self.assertEqual(len(got), 1, subject)
        return got[0]

    def gone(self, item_id):
        return all(i["id"] != item_id
                   for i in self.rows(per_page=100)["inbound"])


class ListTest(InboundCase):

    def test_list_fields_and_order(self):
        s1, s2 = "First %s" % new_id(), "Second %s" % new_id()
        sender = stranger_address()
        a = self.keep(s1, "Hello from outside.\n" + "x" * 500, sender=sender)
        b = self.keep(s2, "Me again")
        body = self.rows()
        self.assertEqual(set(body), {"inbound", "total", "page", "per_page"})
        self.assertEqual((body["page"], body["per_page"]), (1, 25))
        self.assertGreaterEqual(body["total"], 2)
        self.assertEqual(set(a), {"id", "from", "subject", "received_at",
                                  "reason", "preview", "attachment_count"})
        self.assertEqual(a["from"], sender)
        self.assertEqual(a["reason"], "unknown sender")
        self.assertTrue(a["preview"].startswith("Hello from outside."))
        self.assertLessEqual(len(a["preview"]), 300)
        self.assertEqual(a["attachment_count"], 0)
        self.assertTime(a["received_at"])
        # Newest first.
        ids = [i["id"] for i in body["inbound"]]
        self.assertLess(ids.index(b["id"]), ids.index(a["id"]))
        # Pages.
        p1 = self.rows(per_page=1, page=1)
        p2 = self.rows(per_page=1, page=2)
        self.assertEqual(len(p1["inbound"]), 1)
        self.assertEqual(len(p2["inbound"]), 1)
        self.assertNotEqual(p1["inbound"][0]["id"], p2["inbound"][0]["id"])
        self.assertEqual(p1["total"], p2["total"])
        far = self.rows(page=100000)
        self.assertEqual(far["inbound"], [])
        self.assertEqual(far["total"], p1["total"])

    def test_bad_query(self):
        for q in ("per_page=0", "per_page=101", "page=0", "page=x",
                  "page=1&page=2"):
            self.assertError(self.a.get(LIST + "?" + q), 400, "bad_request")

    def test_review_reasons_are_listed(self):
        """A forged agent's mail (listed for review, never appended)."""
        number = create_ticket(self.c, subject="Queue forged")["number"]
        subject = "Re: [%s] Queue forged %s" % (number, new_id())
        row = self.keep(subject, "Send me your password",
                        sender=self.agent.email)
        self.assertEqual(row["from"], self.agent.email)
        self.assertIn("agent's own reply address", row["reason"])

    def test_customers_and_anonymous(self):
        row = self.keep("For agents %s" % new_id(), "x")
        path = "%s/%d" % (LIST, row["id"])
        self.assertError(self.c.get(LIST), 403, "forbidden")
        self.assertError(self.c.post(path + "/ticket", {
            "requester_email": self.cust.email}), 403, "forbidden")
        self.assertError(self.c.post(path + "/append", {
            "number": "TICK-1001"}), 403, "forbidden")
        self.assertError(self.c.delete(path), 403, "forbidden")
        self.assertError(Client().get(LIST), 401, "unauthenticated")
        self.assertFalse(self.gone(row["id"]))


class ActionTest(InboundCase):

    def test_to_ticket(self):
        subject = "Printer on fire %s" % new_id()
        text = ("It burns.\nKey: ABCDE-FGHIJ-KLMNO-12345\n" +
                "long " * 1000).strip()
        row = self.keep(subject, text)
        path = "%s/%d/ticket" % (LIST, row["id"])
        # Field rules first; the mail stays.
        self.assertError(self.a.post(path, {}), 422, "validation_failed",
                         ["requester_email"])
        for email in ("nobody@nowhere.example", self.agent.email):
            self.assertError(self.a.post(path, {"requester_email": email}),
                             422, "validation_failed", ["requester_email"])
        self.assertError(self.a.post(path, {"requester_email": 5}), 400,
                         "bad_request")
        self.assertFalse(self.gone(row["id"]))
        r = self.a.post(path, {"requester_email": self.cust.email})
        self.assertStatus(r, 201)
        t = r.body["ticket"]
        self.assertEqual(r.headers.get("location"),
                         "/api/tickets/%s" % t["number"])
        self.assertEqual(t["subject"], subject)
        self.assertEqual(t["description"], text)    # all of it
        self.assertEqual(t["license_key"], "ABCDE-FGHIJ-KLMNO-12345")
        self.assertEqual(t["requester"]["email"], self.cust.email)
        created = t["timeline"][0]
        self.assertEqual((created["type"], created["via"],
                          created["actor"]["id"]),
                         ("created", "email", self.cust.id))
        # The customer sees it; the mail left the queue.
        self.assertStatus(self.c.get("/api/tickets/%s" % t["number"]), 200)
        self.assertTrue(self.gone(row["id"]))
        self.assertError(self.a.post(path, {
            "requester_email": self.cust.email}), 404, "not_found")
        self.assertEqual(psql_int(
            "SELECT count(*) FROM outbox o JOIN tickets t ON t.id ="
            " o.ticket_id WHERE t.number = :'p1' AND o.kind = 'received'",
            int(t["number"][5:])), 1)

    def test_append(self):
        number = create_ticket(self.c, subject="Append here")["number"]
        r = self.a.post("/api/tickets/%s/messages" % number,
                        {"body": "What version?"})
        self.assertStatus(r, 201)
        subject = "Re: version %s" % new_id()
        row = self.keep(subject, "Version 2.1, from my other address.\n\n"
                        "On Mon, Support wrote:\n> What version?\n")
        path = "%s/%d/append" % (LIST, row["id"])
        for bad in ("TICK-99999999", "nonsense", "1001"):
            self.assertError(self.a.post(path, {"number": bad}), 422,
                             "validation_failed", ["number"])
        self.assertError(self.a.post(path, {}), 422, "validation_failed",
                         ["number"])
        r = self.a.post(path, {"number": number})
        self.assertStatus(r, 201)
        self.assertEqual(set(r.body), {"entry", "ticket"})
        e = r.body["entry"]
        self.assertEqual((e["type"], e["via"], e["actor"]["id"], e["body"]),
                         ("message", "email", self.cust.id,
                          "Version 2.1, from my other address."))
        self.assertEqual(r.body["ticket"]["number"], number)
        self.assertEqual(r.body["ticket"]["status"], "open")
        self.assertTrue(self.gone(row["id"]))
        self.assertError(self.a.post(path, {"number": number}), 404,
                         "not_found")

    def test_append_to_closed_ticket(self):
        number = create_ticket(self.c, subject="Closed one")["number"]
        set_status(number, "closed")
        row = self.keep("Too late %s" % new_id(), "hello?")
        r = self.a.post("%s/%d/append" % (LIST, row["id"]),
                        {"number": number})
        self.assertError(r, 409, "ticket_closed")
        self.assertFalse(self.gone(row["id"]))

    def test_discard(self):
        row = self.keep("Spam %s" % new_id(), "Buy now")
        path = "%s/%d" % (LIST, row["id"])
        r = self.a.delete(path)
        self.assertStatus(r, 204)
        self.assertTrue(self.gone(row["id"]))
        self.assertError(self.a.delete(path), 404, "not_found")
        for bad in ("0", "-1", "abc", "99999999999"):
            self.assertError(self.a.delete("%s/%s" % (LIST, bad)), 404,
                             "not_found")
            self.assertError(self.a.post("%s/%s/ticket" % (LIST, bad), {
                "requester_email": self.cust.email}), 404, "not_found")

    def test_admin_may_too(self):
        ad = login(make_user("admin"))
        row = self.keep("For the admin %s" % new_id(), "x")
        self.assertStatus(ad.delete("%s/%d" % (LIST, row["id"])), 204)


if __name__ == "__main__":
    unittest.main()
