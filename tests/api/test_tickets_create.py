"""POST /api/tickets."""

import datetime
import unittest

from tixclient import (ApiTestCase, Client, OMIT, count_tickets, login,
                       make_user, new_account_name, parse_time, psql,
                       ticket_body, ticket_int)


class CreateTest(ApiTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account = new_account_name()
        cls.customer = make_user("customer", account=cls.account,
                                 timezone="Europe/Berlin")
        cls.agent = make_user("agent")
        cls.admin = make_user("admin")
        cls.c = login(cls.customer)
        cls.a = login(cls.agent)

    def assertRejected(self, body, status, code, fields=None, client=None,
                       who=None):
        who = who or self.customer
        before = count_tickets(who.email)
        r = (client or self.c).post("/api/tickets", body)
        err = self.assertError(r, status, code, fields)
        self.assertIsNone(r.headers.get("Location"))
        self.assertEqual(count_tickets(who.email), before)
        return err

    def test_create_minimal(self):
        body = ticket_body(category="technical")
        before = count_tickets(self.customer.email)
        r = self.c.post("/api/tickets", body)
        data = self.assertJson(r, 201)
        self.assertSecurityHeaders(r)
        self.assertEqual(set(data), {"ticket"})
        t = data["ticket"]
        self.assertDetail(t)
        self.assertEqual(r.headers.get("Location"),
                         "/api/tickets/" + t["number"])
        self.assertGreaterEqual(ticket_int(t["number"]), 1001)
        self.assertEqual(count_tickets(self.customer.email), before + 1)
        self.assertEqual(t["subject"], body["subject"])
        self.assertEqual(t["description"], body["description"])
        self.assertEqual(t["category"], "technical")
        self.assertEqual(t["priority"], "normal")
        self.assertEqual(t["status"], "open")
        self.assertIsNone(t["license_key"])
        self.assertIsNone(t["license"])
        self.assertIsNone(t["assignee"])
        self.assertIsNone(t["first_response_at"])
        self.assertIsNone(t["resolved_at"])
        self.assertIsNone(t["closed_at"])
        self.assertFalse(t["can_reopen"])
        self.assertEqual(t["attachments"], [])
        self.assertEqual(t["attachment_count"], 0)
        self.assertFalse(t["sla"]["breached"])
        self.assertEqual(t["requester"]["id"], self.customer.id)
        self.assertEqual(t["requester"]["name"], self.customer.name)
        self.assertEqual(t["requester"]["email"], self.customer.email)
        created = parse_time(t["created_at"])
        now = datetime.datetime.now(datetime.timezone.utc)
        self.assertLess(abs((now - created).total_seconds()), 300)
        self.assertGreater(parse_time(t["sla"]["first_response_due_at"]),
                           created)
        self.assertEqual(len(t["timeline"]), 1, t["timeline"])
        e = t["timeline"][0]
        self.assertEqual(e["type"], "created")
        self.assertEqual(e["via"], "portal")
        self.assertEqual(e["actor"]["id"], self.customer.id)
        self.assertEqual(e["actor"]["name"], self.customer.name)
        self.assertEqual(e["actor"]["role"], "customer")
        self.assertEqual(e["body"], body["description"])
        # The row matches what was answered.
        row = psql("SELECT subject, status, priority, category FROM tickets"
                   " WHERE number = :'p1'", ticket_int(t["number"]))
        self.assertEqual(row.split("|"),
                         [body["subject"], "open", "normal", "technical"])
        # Location leads to the same ticket.
        g = self.c.get(r.headers["Location"])
        self.assertEqual(self.assertJson(g, 200)["ticket"]["number"],
                         t["number"])

    def test_numbers_are_sequential_and_unique(self):
        a = self.c.post("/api/tickets", ticket_body()).body["ticket"]
        b = self.c.post("/api/tickets", ticket_body()).body["ticket"]
        self.assertGreater(ticket_int(b["number"]), ticket_int(a["number"]))

    def test_all_categories_and_priorities(self):
        for cat in ("technical", "billing", "license", "general"):
            with self.subTest(category=cat):
                r = self.c.post("/api/tickets", ticket_body(category=cat))
                self.assertEqual(self.assertJson(r, 201)["ticket"]
                                 ["category"], cat)
        for prio in ("low", "normal", "high", "critical"):
            with self.subTest(priority=prio):
                r = self.c.post("/api/tickets", ticket_body(priority=prio))
                self.assertEqual(self.assertJson(r, 201)["ticket"]
                                 ["priority"], prio)

    def test_critical_due_in_one_hour(self):
        r = self.c.post("/api/tickets", ticket_body(priority="critical"))
        t = self.assertJson(r, 201)["ticket"]
        due = parse_time(t["sla"]["first_response_due_at"])
        created = parse_time(t["created_at"])
        self.assertLess(abs((due - created).total_seconds() - 3600), 2)

    def test_subject_limits(self):
        for subject in ("x", "\U0001F600" * 200, "\u00e9" * 200,
                        "a" * 200, "<script>alert(1)</script>",
                        "' OR 1=1 --", "50% off_\\ %s {}"):
            with self.subTest(subject=subject[:20]):
                r = self.c.post("/api/tickets", ticket_body(subject=subject))
                t = self.assertJson(r, 201)["ticket"]
                self.assertEqual(t["subject"], subject)
        for subject in ("", "\U0001F600" * 201, "a" * 201, "\u00e9" * 201):
            with self.subTest(subject=subject[:20], n=len(subject)):
                self.assertRejected(ticket_body(subject=subject), 422,
                                    "validation_failed", fields=["subject"])
        self.assertRejected(ticket_body(subject=OMIT), 422,
                            "validation_failed", fields=["subject"])

    def test_subject_control_characters(self):
        for subject in ("Hi\r\nBcc: victim@example.com", "line\nbreak",
                        "carriage\rreturn", "tab\there", "bell\x07",
                        "esc\x1b[31m", "del\x7f", "nel\u0085x", "\n"):
            with self.subTest(subject=subject):
                self.assertRejected(ticket_body(subject=subject), 422,
                                    "validation_failed", fields=["subject"])

    def test_description_limits(self):
        for desc in ("d", "\u00e9" * 20000, "line one\nline two\r\n\ttab",
                     "\U0001F600" * 20000):
            with self.subTest(n=len(desc)):
                r = self.c.post("/api/tickets", ticket_body(description=desc))
                t = self.assertJson(r, 201)["ticket"]
                self.assertEqual(t["description"], desc)
        for desc in ("", "x" * 20001, "\u00e9" * 20001, OMIT):
            with self.subTest(n=0 if desc is OMIT else len(desc)):
                self.assertRejected(ticket_body(description=desc), 422,
                                    "validation_failed",
                                    fields=["description"])

    def test_enums(self):
        self.assertRejected(ticket_body(category=OMIT), 422,
                            "validation_failed", fields=["category"])
        for cat in ("hardware", "", "Technical", "TECHNICAL", "technical "):
            with self.subTest(category=cat):
                self.assertRejected(ticket_body(category=cat), 422,
                                    "validation_failed", fields=["category"])
        for prio in ("urgent", "", "High", "medium"):
            with self.subTest(priority=prio):
                self.assertRejected(ticket_body(priority=prio), 422,
                                    "validation_failed", fields=["priority"])

    def test_wrong_types(self):
        for fields in ({"subject": 5}, {"subject": None}, {"subject": ["s"]},
                       {"description": 1}, {"description": {"x": 1}},
                       {"category": 1}, {"category": ["general"]},
                       {"priority": 3}, {"priority": True},
                       {"license_key": 12345}, {"license_key": ["x"]}):
            with self.subTest(fields=fields):
                self.assertRejected(ticket_body(**fields), 400, "bad_request")

    def test_license_key(self):
        for key in (None, "ABCDE-FGHIJ-KLMNO-12345", "00000-11111-22222-ZZZZZ"):
            with self.subTest(key=key):
                r = self.c.post("/api/tickets", ticket_body(license_key=key))
                t = self.assertJson(r, 201)["ticket"]
                self.assertEqual(t["license_key"], key)
        for key in ("abcde-fghij-klmno-12345", "ABCDE-FGHIJ-KLMNO",
                    "ABCDE-FGHIJ-KLMNO-123456", "ABCDEFGHIJKLMNO12345",
                    "ABCDE_FGHIJ_KLMNO_12345", "", " ABCDE-FGHIJ-KLMNO-12345",
                    "ABCDE-FGHIJ-KLMNO-1234\u00c9", "ABCDE-FGHIJ-KLMNO-12345\n",
                    "ABCDE-FGHIJ-KLMNO-12345-ABCDE"):
            with self.subTest(key=key):
                self.assertRejected(ticket_body(license_key=key), 422,
                                    "validation_failed",
                                    fields=["license_key"])

    def test_bearer_token_via_api(self):
        _, token = self.c.new_token()
        r = Client(token=token).post("/api/tickets", ticket_body())
        t = self.assertJson(r, 201)["ticket"]
        self.assertEqual(t["requester"]["id"], self.customer.id)
        self.assertEqual(t["timeline"][0]["type"], "created")
        self.assertEqual(t["timeline"][0]["via"], "api")
        self.assertEqual(t["timeline"][0]["actor"]["id"], self.customer.id)

    def test_unauthenticated(self):
        before = psql("SELECT count(*) FROM tickets")
        r = Client().post("/api/tickets", ticket_body())
        self.assertError(r, 401, "unauthenticated")
        self.assertIsNone(r.headers.get("Location"))
        # No other test creates tickets concurrently (RUN_SERIAL).
        self.assertEqual(psql("SELECT count(*) FROM tickets"), before)


class RequesterEmailTest(ApiTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = make_user("customer")
        cls.other = make_user("customer")
        cls.agent = make_user("agent")
        cls.admin = make_user("admin")
        cls.c = login(cls.customer)
        cls.a = login(cls.agent)

    def test_agent_opens_ticket_for_customer(self):
        before = count_tickets(self.customer.email)
        r = self.a.post("/api/tickets",
                        ticket_body(requester_email=self.customer.email))
        t = self.assertJson(r, 201)["ticket"]
        self.assertEqual(t["requester"]["id"], self.customer.id)
        self.assertEqual(t["requester"]["email"], self.customer.email)
        self.assertEqual(t["status"], "open")
        self.assertEqual(count_tickets(self.customer.email), before + 1)
        g = self.c.get("/api/tickets/" + t["number"])
        self.assertEqual(self.assertJson(g, 200)["ticket"]["number"],
                         t["number"])
        # The created entry is visible to the customer.
        self.assertEqual(g.body["ticket"]["timeline"][0]["type"], "created")

    def test_requester_email_case_insensitive(self):
        before = count_tickets(self.customer.email)
        r = self.a.post("/api/tickets", ticket_body(
            requester_email=self.customer.email.upper()))
        t = self.assertJson(r, 201)["ticket"]
        self.assertEqual(t["requester"]["id"], self.customer.id)
        self.assertEqual(count_tickets(self.customer.email), before + 1)

    def test_customer_may_not_send_requester_email(self):
        before_other = count_tickets(self.other.email)
        for email in (self.other.email, self.customer.email):
            with self.subTest(email=email):
                before = count_tickets(self.customer.email)
                r = self.c.post("/api/tickets",
                                ticket_body(requester_email=email))
                self.assertError(r, 403, "forbidden")
                self.assertEqual(count_tickets(self.customer.email), before)
        self.assertEqual(count_tickets(self.other.email), before_other)

    def test_unknown_or_non_customer_requester(self):
        agent_before = count_tickets(self.agent.email)
        admin_before = count_tickets(self.admin.email)
        for email in ("nobody-%s@example.com" % self.customer.id,
                      self.agent.email, self.admin.email, "not an address"):
            with self.subTest(email=email):
                r = self.a.post("/api/tickets",
                                ticket_body(requester_email=email))
                self.assertError(r, 422, "validation_failed",
                                 fields=["requester_email"])
        self.assertEqual(count_tickets(self.agent.email), agent_before)
        self.assertEqual(count_tickets(self.admin.email), admin_before)

    def test_requester_email_wrong_type(self):
        before = count_tickets(self.agent.email)
        r = self.a.post("/api/tickets", ticket_body(requester_email=5))
        self.assertError(r, 400, "bad_request")
        self.assertEqual(count_tickets(self.agent.email), before)


if __name__ == "__main__":
    unittest.main()
