"""POST /api/tickets/{number}/messages: replies and internal notes."""

import unittest

from tixclient import (cast, ApiTestCase, Client, count_entries, create_ticket,
                       psql, ticket_int, ticket_row, unique_word)


def path(number):
    return "/api/tickets/%s/messages" % number


class MessagesTest(ApiTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cast(cls)

    def new(self):
        return create_ticket(self.c)["number"]

    def post(self, client, number, body, status=201):
        r = client.post(path(number), body)
        if status == 201:
            data = self.assertJson(r, 201)
            self.assertEqual(set(data) >= {"entry", "ticket"}, True, data)
            self.assertEntry(data["entry"])
            self.assertSummary(data["ticket"])
            self.assertEqual(data["ticket"]["number"], number)
        return r

    def assertRejected(self, client, number, body, status, code, fields=None):
        before = count_entries(number)
        row = ticket_row(number, "status, updated_at, first_response_at")
        r = client.post(path(number), body)
        self.assertError(r, status, code, fields)
        self.assertEqual(count_entries(number), before)
        self.assertEqual(ticket_row(number,
                                    "status, updated_at, first_response_at"),
                         row)
        return r

    def test_customer_reply(self):
        n = self.new()
        r = self.post(self.c, n, {"body": "More details", "internal": False})
        self.assertSecurityHeaders(r)
        e = r.body["entry"]
        self.assertEqual(e["type"], "message")
        self.assertEqual(e["body"], "More details")
        self.assertEqual(e["via"], "portal")
        self.assertEqual(e["actor"]["id"], self.cust.id)
        self.assertEqual(e["actor"]["name"], self.cust.name)
        self.assertEqual(e["actor"]["role"], "customer")
        self.assertEqual(r.body["ticket"]["status"], "open")
        self.assertIsNone(r.body["ticket"]["first_response_at"])
        t = self.c.get("/api/tickets/" + n).body["ticket"]
        self.assertEqual([x["type"] for x in t["timeline"]],
                         ["created", "message"])
        self.assertEqual(t["timeline"][1]["body"], "More details")
        self.assertEqual(t["timeline"][1]["id"], e["id"])

    def test_internal_defaults_to_false(self):
        n = self.new()
        r = self.post(self.c, n, {"body": "no internal key"})
        self.assertEqual(r.body["entry"]["type"], "message")

    def test_agent_reply_waits_then_customer_reopens(self):
        n = self.new()
        r = self.post(self.a, n, {"body": "Have you tried turning it off?",
                                  "internal": False})
        e = r.body["entry"]
        self.assertEqual(e["type"], "message")
        self.assertEqual(e["actor"]["id"], self.agent.id)
        self.assertEqual(e["actor"]["role"], "agent")
        t = r.body["ticket"]
        self.assertEqual(t["status"], "waiting")
        first = t["first_response_at"]
        self.assertIsNotNone(first)
        self.assertTime(first)
        self.assertEqual(ticket_row(n, "status")[0], "waiting")
        # A second agent reply keeps the first response time.
        r = self.post(self.a, n, {"body": "Any news?", "internal": False})
        self.assertEqual(r.body["ticket"]["first_response_at"], first)
        # The customer's reply puts it back to open.
        r = self.post(self.c, n, {"body": "Yes, still broken"})
        self.assertEqual(r.body["ticket"]["status"], "open")
        self.assertEqual(r.body["ticket"]["first_response_at"], first)
        t = self.c.get("/api/tickets/" + n).body["ticket"]
        self.assertEqual(t["status"], "open")
        self.assertEqual([x["type"] for x in t["timeline"]
                          if x["type"] in ("created", "message")],
                         ["created", "message", "message", "message"])

    def test_customer_reply_reopens_in_progress_and_resolved(self):
        for status in ("in_progress", "resolved"):
            with self.subTest(status=status):
                n = self.new()
                psql("UPDATE tickets SET status = :'p2'::ticket_status,"
                     " resolved_at = CASE WHEN :'p2' = 'resolved' THEN now()"
                     " END WHERE number = :'p1'", ticket_int(n), status)
                r = self.post(self.c, n, {"body": "still there"})
                self.assertEqual(r.body["ticket"]["status"], "open")

    def test_customer_reply_on_closed_409(self):
        n = self.new()
        psql("UPDATE tickets SET status = 'closed', resolved_at = now(),"
             " closed_at = now() WHERE number = :'p1'", ticket_int(n))
        self.assertRejected(self.c, n, {"body": "hello?"}, 409,
                            "ticket_closed")

    def test_customer_internal_forbidden(self):
        n = self.new()
        self.assertRejected(self.c, n, {"body": "sneaky", "internal": True},
                            403, "forbidden")

    def test_body_limits(self):
        n = self.new()
        r = self.post(self.c, n, {"body": "\u00e9" * 20000})
        self.assertEqual(r.body["entry"]["body"], "\u00e9" * 20000)
        r = self.post(self.c, n, {"body": "multi\nline\r\n\ttext"})
        self.assertEqual(r.body["entry"]["body"], "multi\nline\r\n\ttext")
        for body in ({"body": ""}, {"body": "x" * 20001},
                     {"body": "\U0001F600" * 20001}, {"internal": False}):
            with self.subTest(n=len(body.get("body", ""))):
                self.assertRejected(self.c, n, body, 422, "validation_failed",
                                    fields=["body"])
        for body in ({"body": 5}, {"body": None}, {"body": ["x"]},
                     {"body": "x", "internal": "yes"},
                     {"body": "x", "internal": 0},
                     {"body": "x", "internal": None}):
            with self.subTest(body=body):
                self.assertRejected(self.c, n, body, 400, "bad_request")
        for raw in (b"[]", b'{"body":"a","body":"b"}', b'{"body":"\\u0000"}',
                    b'{"body":"\xff"}', b'{"body":'):
            with self.subTest(raw=raw):
                before = count_entries(n)
                r = self.c.post(path(n), raw=raw)
                self.assertError(r, 400, "bad_request")
                self.assertEqual(count_entries(n), before)

    def test_not_visible_404(self):
        n = self.new()
        missing = self.c.post(path("TICK-999999"), {"body": "x"})
        self.assertError(missing, 404, "not_found")
        for who, c in (("same account", self.s), ("stranger", self.x)):
            with self.subTest(who=who):
                r = self.assertRejected(c, n, {"body": "let me in"}, 404,
                                        "not_found")
                self.assertEqual(r.body, missing.body)
                r = self.assertRejected(c, n, {"body": "x", "internal": True},
                                        404, "not_found")
        for ref in ("TICK-abc", str(ticket_int(n)), n.lower()):
            with self.subTest(ref=ref):
                r = self.c.post(path(ref), {"body": "x"})
                self.assertError(r, 404, "not_found")

    def test_unauthenticated_and_csrf(self):
        n = self.new()
        before = count_entries(n)
        r = Client().post(path(n), {"body": "anon"})
        self.assertError(r, 401, "unauthenticated")
        r = self.c.post(path(n), {"body": "no csrf"}, csrf=None)
        self.assertError(r, 403, "csrf_failed")
        self.assertEqual(count_entries(n), before)

    def test_bearer_reply_via_api(self):
        n = self.new()
        _, token = self.c.new_token()
        r = self.post(Client(token=token), n, {"body": "from a script"})
        self.assertEqual(r.body["entry"]["via"], "api")

    def test_internal_note(self):
        n = self.new()
        secret = "note-" + unique_word()
        r = self.post(self.a, n, {"body": "Internal %s here" % secret,
                                  "internal": True})
        e = r.body["entry"]
        self.assertEqual(e["type"], "note")
        self.assertEqual(e["body"], "Internal %s here" % secret)
        self.assertEqual(e["actor"]["id"], self.agent.id)
        # A note is not a response to the customer.
        self.assertEqual(r.body["ticket"]["status"], "open")
        self.assertIsNone(r.body["ticket"]["first_response_at"])
        # The agent sees it.
        t = self.a.get("/api/tickets/" + n).body["ticket"]
        self.assertIn("note", [x["type"] for x in t["timeline"]])
        # The customer never does: not the entry, not its text.
        self.post(self.c, n, {"body": "public after the note"})
        g = self.c.get("/api/tickets/" + n)
        t = self.assertJson(g, 200)["ticket"]
        self.assertEqual([x["type"] for x in t["timeline"]],
                         ["created", "message"])
        self.assertNotIn(secret.encode(), g.raw)
        self.assertNotIn(b'"note"', g.raw)
        lst = self.c.get("/api/tickets?q=" + secret)
        self.assertNotIn(secret.encode(), lst.raw)
        self.assertEqual(self.assertJson(lst, 200)["total"], 0)
        lst = self.c.get("/api/tickets")
        self.assertNotIn(secret.encode(), lst.raw)
        # Entries stored: created, note, message.
        self.assertEqual(count_entries(n), 3)


if __name__ == "__main__":
    unittest.main()
