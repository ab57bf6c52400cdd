"""GET /api/tickets/{number} and who may see what."""

import unittest

from tixclient import (ApiTestCase, Client, create_ticket, login, make_user,
                       new_account_name, ticket_int)


class ReadTest(ApiTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        acct_a = new_account_name()
        cls.a1 = make_user("customer", account=acct_a)
        cls.a2 = make_user("customer", account=acct_a)
        cls.b1 = make_user("customer")
        cls.agent = make_user("agent")
        cls.admin = make_user("admin")
        cls.ca1 = login(cls.a1)
        cls.ca2 = login(cls.a2)
        cls.cb1 = login(cls.b1)
        cls.cag = login(cls.agent)
        cls.cad = login(cls.admin)
        cls.secret_subject = "A1 secret subject " + acct_a
        cls.t1 = create_ticket(cls.ca1, subject=cls.secret_subject,
                               priority="high", category="billing")
        cls.tb = create_ticket(cls.cb1)
        cls.missing = cls.ca1.get("/api/tickets/TICK-999999")

    def test_requester_reads_own_ticket(self):
        r = self.ca1.get("/api/tickets/" + self.t1["number"])
        t = self.assertJson(r, 200)["ticket"]
        self.assertSecurityHeaders(r)
        self.assertDetail(t)
        self.assertEqual(t["number"], self.t1["number"])
        self.assertEqual(t["subject"], self.secret_subject)
        self.assertEqual(t["priority"], "high")
        self.assertEqual(t["category"], "billing")
        self.assertEqual(t["description"], self.t1["description"])
        self.assertEqual(t["requester"]["id"], self.a1.id)
        self.assertEqual([e["type"] for e in t["timeline"]], ["created"])
        self.assertEqual(t, self.t1)

    def test_missing_ticket_404(self):
        self.assertError(self.missing, 404, "not_found")
        self.assertSecurityHeaders(self.missing)

    def test_other_customers_get_404(self):
        for who, c in (("same account", self.ca2),
                       ("other account", self.cb1)):
            with self.subTest(who=who):
                r = c.get("/api/tickets/" + self.t1["number"])
                self.assertError(r, 404, "not_found")
                self.assertEqual(r.body, self.missing.body)
                self.assertNotIn(self.secret_subject.encode(), r.raw)
                self.assertNotIn(self.t1["number"].encode(), r.raw)
        r = self.ca1.get("/api/tickets/" + self.tb["number"])
        self.assertError(r, 404, "not_found")
        self.assertEqual(r.body, self.missing.body)

    def test_agent_missing_ticket_404(self):
        r = self.cag.get("/api/tickets/TICK-999999")
        self.assertError(r, 404, "not_found")
        self.assertEqual(r.body, self.missing.body)

    def test_read_is_the_writes_answer(self):
        # The GET reads a ticket by its number in the caller's scope, a
        # write answers with it read by id: both are the same detail,
        # for the agent (with the note) and for the requester (without).
        t = create_ticket(self.ca1)
        path = "/api/tickets/" + t["number"]
        self.assertJson(self.cag.post(path + "/messages", {
            "body": "Internal words", "internal": True}), 201)
        self.assertJson(self.ca1.post(path + "/messages", {
            "body": "Public words"}), 201)
        patched = self.assertJson(self.cag.patch(path, {"priority": "low"}),
                                  200)["ticket"]
        got = self.assertJson(self.cag.get(path), 200)["ticket"]
        self.assertDetail(got)
        self.assertEqual(got, patched)
        self.assertEqual([e["type"] for e in got["timeline"]],
                         ["created", "note", "message", "priority_changed"])
        mine = self.assertJson(self.ca1.get(path), 200)["ticket"]
        self.assertEqual([e["type"] for e in mine["timeline"]],
                         ["created", "message", "priority_changed"])
        self.assertNotIn(b"Internal words", self.ca1.get(path).raw)
        for c in (self.ca2, self.cb1):
            r = c.get(path)
            self.assertError(r, 404, "not_found")
            self.assertEqual(r.body, self.missing.body)

    def test_other_customer_with_bearer_404(self):
        _, token = self.cb1.new_token()
        r = Client(token=token).get("/api/tickets/" + self.t1["number"])
        self.assertError(r, 404, "not_found")
        self.assertEqual(r.body, self.missing.body)

    def test_agents_see_every_ticket(self):
        for c in (self.cag, self.cad):
            for t in (self.t1, self.tb):
                with self.subTest(ticket=t["number"]):
                    r = c.get("/api/tickets/" + t["number"])
                    got = self.assertJson(r, 200)["ticket"]
                    self.assertDetail(got)
                    self.assertEqual(got["number"], t["number"])
                    self.assertEqual(got["subject"], t["subject"])
                    self.assertEqual(got["requester"], t["requester"])

    def test_requester_account_for_requester_and_agents(self):
        me = self.assertJson(self.ca1.get("/api/auth/me"), 200)["user"]
        other = self.assertJson(self.cb1.get("/api/auth/me"), 200)["user"]
        self.assertNotEqual(me["account"]["id"], other["account"]["id"])
        cases = ((self.t1, self.a1, me["account"]["id"],
                  (self.ca1, self.cag, self.cad)),
                 (self.tb, self.b1, other["account"]["id"],
                  (self.cb1, self.cag, self.cad)))
        for t, user, account_id, clients in cases:
            for c in clients:
                with self.subTest(ticket=t["number"], viewer=c):
                    r = c.get("/api/tickets/" + t["number"])
                    req = self.assertJson(r, 200)["ticket"]["requester"]
                    self.assertEqual(req["id"], user.id)
                    self.assertEqual(req["name"], user.name)
                    self.assertEqual(req["email"], user.email)
                    self.assertEqual(req["account"],
                                     {"id": account_id,
                                      "name": user.account})

    def test_malformed_numbers_404(self):
        n = ticket_int(self.t1["number"])
        for ref in ("TICK-abc", str(n), "tick-%d" % n, "TICK-", "TICK--1",
                    "TICK-0", "TICK-1000", "TICK-%d.0" % n, "TICK-+%d" % n,
                    "TICK-99999999999999999999999", "TICK-%d " % n,
                    "TICK%d" % n, "T-%d" % n, "TICK-0x10"):
            with self.subTest(ref=ref):
                r = self.ca1.get("/api/tickets/" + ref.replace(" ", "%20"))
                self.assertError(r, 404, "not_found")

    def test_unauthenticated_401(self):
        r = Client().get("/api/tickets/" + self.t1["number"])
        self.assertError(r, 401, "unauthenticated")
        self.assertNotIn(self.secret_subject.encode(), r.raw)


if __name__ == "__main__":
    unittest.main()
