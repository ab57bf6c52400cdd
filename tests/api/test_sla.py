"""SLA: sla.breached, the breached and assignee list filters, and the
escalation of a customer's reply after the first-response due time."""

import datetime
import unittest

from tixclient import (cast, create_ticket, login, make_user, parse_time,
                       unique_word)
from tixflow import (FlowCase, db_entries_of, db_priority, set_assignee,
                     set_created, set_due_past, set_status, tpath)


class SlaCase(FlowCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cast(cls)
        cls.agent2 = make_user("agent")
        cls.a2 = login(cls.agent2)

    def reply(self, client, number, body="a reply", **extra):
        payload = {"body": body}
        payload.update(extra)
        r = client.post(tpath(number, "/messages"), payload)
        return self.assertJson(r, 201)

    def listing(self, client, expect=200, **query):
        r = client.get("/api/tickets", query=query)
        if expect != 200:
            return r
        body = self.assertJson(r, 200)
        for t in body["tickets"]:
            self.assertSummary(t)
        return body

    def numbers(self, body):
        return {t["number"] for t in body["tickets"]}


class BreachedTest(SlaCase):

    def test_fresh_ticket_not_breached(self):
        for prio in ("low", "normal", "high", "critical"):
            with self.subTest(priority=prio):
                t = self.detail(self.c, self.new_ticket(self.c,
                                                        priority=prio))
                self.assertFalse(t["sla"]["breached"])
                due = parse_time(t["sla"]["first_response_due_at"])
                self.assertGreater(due, parse_time(t["created_at"]))

    def test_normal_due_24_hours(self):
        t = self.detail(self.c, self.new_ticket(self.c, priority="normal"))
        due = parse_time(t["sla"]["first_response_due_at"])
        self.assertEqual(due - parse_time(t["created_at"]),
                         datetime.timedelta(hours=24))

    def test_due_passed_is_breached(self):
        n = self.new_ticket(self.c)
        set_due_past(n)
        for client in (self.c, self.a):
            t = self.detail(client, n)
            self.assertTrue(t["sla"]["breached"])
            rows = self.listing(client, q=n)["tickets"]
            self.assertEqual([x["number"] for x in rows], [n])
            self.assertTrue(rows[0]["sla"]["breached"])

    def test_late_agent_reply_stays_breached(self):
        n = self.new_ticket(self.c)
        set_due_past(n)
        data = self.reply(self.a, n, "sorry for the wait")
        self.assertTrue(data["ticket"]["sla"]["breached"])
        self.assertIsNotNone(data["ticket"]["first_response_at"])
        for client in (self.c, self.a):
            self.assertTrue(self.detail(client, n)["sla"]["breached"])

    def test_timely_agent_reply_not_breached(self):
        n = self.new_ticket(self.c)
        data = self.reply(self.a, n, "right away")
        self.assertFalse(data["ticket"]["sla"]["breached"])
        self.assertFalse(self.detail(self.c, n)["sla"]["breached"])

    def test_note_is_no_response(self):
        n = self.new_ticket(self.c)
        self.reply(self.a, n, "internal only", internal=True)
        set_due_past(n)
        t = self.detail(self.a, n)
        self.assertIsNone(t["first_response_at"])
        self.assertTrue(t["sla"]["breached"])

    def test_customer_reply_is_no_response(self):
        n = self.new_ticket(self.c, priority="critical")
        self.reply(self.c, n, "anyone?")
        set_due_past(n)
        t = self.detail(self.a, n)
        self.assertIsNone(t["first_response_at"])
        self.assertTrue(t["sla"]["breached"])


class FilterTest(SlaCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.word = unique_word()

        def mk():
            return create_ticket(cls.c, subject="Filter %s" % cls.word
                                 )["number"]
        cls.fresh = mk()
        cls.late = mk()
        set_due_past(cls.late)
        cls.mine = mk()
        set_assignee(cls.mine, cls.agent.id)
        cls.theirs = mk()
        set_assignee(cls.theirs, cls.agent2.id)
        set_due_past(cls.theirs)
        cls.all = {cls.fresh, cls.late, cls.mine, cls.theirs}

    def test_breached_filter(self):
        body = self.listing(self.a, q=self.word, breached="true")
        self.assertEqual(self.numbers(body), {self.late, self.theirs})
        self.assertEqual(body["total"], 2)
        for t in body["tickets"]:
            self.assertTrue(t["sla"]["breached"])
        body = self.listing(self.a, q=self.word, breached="false")
        self.assertEqual(self.numbers(body), {self.fresh, self.mine},
                         "breached=false gave %r" % (body,))
        self.assertEqual(body["total"], 2)
        for t in body["tickets"]:
            self.assertFalse(t["sla"]["breached"])
        body = self.listing(self.a, q=self.word)
        self.assertEqual(self.numbers(body), self.all)

    def test_breached_filter_all_tickets(self):
        body = self.listing(self.a, breached="true", per_page=100)
        self.assertGreaterEqual(body["total"], 2)
        for t in body["tickets"]:
            self.assertTrue(t["sla"]["breached"], t["number"])
        body = self.listing(self.a, breached="false", per_page=100)
        self.assertGreaterEqual(body["total"], 2,
                                "breached=false gave %r" % (body,))
        for t in body["tickets"]:
            self.assertFalse(t["sla"]["breached"], t["number"])

    def test_breached_filter_by_number(self):
        for n, breached in ((self.fresh, False), (self.late, True)):
            with self.subTest(number=n, breached=breached):
                same = "true" if breached else "false"
                other = "false" if breached else "true"
                body = self.listing(self.a, q=n, breached=same)
                self.assertEqual(self.numbers(body), {n},
                                 "breached=%s gave %r" % (same, body))
                body = self.listing(self.a, q=n, breached=other)
                self.assertEqual(self.numbers(body), set())

    def test_assignee_filter(self):
        body = self.listing(self.a, q=self.word, assignee="me")
        self.assertEqual(self.numbers(body), {self.mine})
        self.assertEqual(body["total"], 1)
        self.assertEqual(body["tickets"][0]["assignee"]["id"], self.agent.id)
        body = self.listing(self.a2, q=self.word, assignee="me")
        self.assertEqual(self.numbers(body), {self.theirs})
        body = self.listing(self.a, q=self.word, assignee="none")
        self.assertEqual(self.numbers(body), {self.fresh, self.late})
        for t in body["tickets"]:
            self.assertIsNone(t["assignee"])
        body = self.listing(self.a, q=self.word,
                            assignee=str(self.agent2.id))
        self.assertEqual(self.numbers(body), {self.theirs})
        body = self.listing(self.a, q=self.word, assignee=str(self.agent.id))
        self.assertEqual(self.numbers(body), {self.mine})
        # Combined with breached.
        body = self.listing(self.a, q=self.word, assignee="none",
                            breached="true")
        self.assertEqual(self.numbers(body), {self.late})
        body = self.listing(self.a2, q=self.word, assignee="me",
                            breached="true")
        self.assertEqual(self.numbers(body), {self.theirs})

    def test_assignee_none_all_tickets(self):
        body = self.listing(self.a, assignee="none", per_page=100)
        for t in body["tickets"]:
            self.assertIsNone(t["assignee"], t["number"])

    def test_customer_may_not_filter_400(self):
        for query in ({"breached": "true"}, {"breached": "false"},
                      {"assignee": "me"}, {"assignee": "none"},
                      {"assignee": str(self.agent.id)}):
            with self.subTest(query=query):
                r = self.listing(self.c, expect=400, **query)
                self.assertError(r, 400, "bad_request")

    def test_bad_values_400(self):
        for query in ({"breached": "yes"}, {"breached": "1"},
                      {"breached": ""}, {"breached": "TRUE"},
                      {"assignee": "someone"}, {"assignee": ""},
                      {"assignee": "1.5"}, {"assignee": "ME"}):
            with self.subTest(query=query):
                r = self.listing(self.a, expect=400, **query)
                self.assertError(r, 400, "bad_request")


class EscalationTest(SlaCase):
    """A customer's reply after the due time with no agent reply raises
    the priority one step; the due time is recomputed from creation.
    Created Monday 2026-11-16 10:00 UTC: low due Mon 11-23 10:00, normal
    Tue 11-17 10:00, high Mon 11-16 14:00 (all in the past)."""

    CREATED = "2026-11-16 10:00Z"
    DUE = {"low": "2026-11-23T10:00:00Z", "normal": "2026-11-17T10:00:00Z",
           "high": "2026-11-16T14:00:00Z", "critical": "2026-11-16T11:00:00Z"}

    def overdue(self, priority):
        n = self.new_ticket(self.c, priority=priority)
        set_created(n, self.CREATED)
        set_due_past(n)
        return n

    def check_escalated(self, n, frm, to, data):
        self.assertEqual(data["ticket"]["priority"], to)
        self.assertEqual(data["ticket"]["sla"]["first_response_due_at"],
                         self.DUE[to])
        self.assertEqual(db_priority(n), to)
        for client in (self.c, self.a):
            t = self.detail(client, n)
            self.assertEqual(t["priority"], to)
            self.assertEqual(t["sla"]["first_response_due_at"], self.DUE[to])
            changes = [e for e in t["timeline"]
                       if e["type"] == "priority_changed"]
            self.assertTrue(changes)
            e = changes[-1]
            self.assertSystemEntry(e, "priority_changed")
            self.assertEqual((e["from"], e["to"]), (frm, to))
            self.assertOrdered(t["timeline"])
            # It follows the customer's message.
            msgs = [x for x in t["timeline"] if x["type"] == "message"]
            self.assertLess(msgs[-1]["id"], e["id"])

    def test_low_to_normal_to_high(self):
        n = self.overdue("low")
        data = self.reply(self.c, n, "still waiting")
        self.check_escalated(n, "low", "normal", data)
        data = self.reply(self.c, n, "hello?")
        self.check_escalated(n, "normal", "high", data)
        data = self.reply(self.c, n, "anyone there?")
        self.assertEqual(data["ticket"]["priority"], "high")
        self.assertEqual(len(db_entries_of(n, "priority_changed")), 2)

    def test_high_and_critical_stay(self):
        for prio in ("high", "critical"):
            with self.subTest(priority=prio):
                n = self.overdue(prio)
                data = self.reply(self.c, n, "waiting")
                self.assertEqual(data["ticket"]["priority"], prio)
                self.assertEqual(db_entries_of(n, "priority_changed"), [])
                self.assertEqual(db_priority(n), prio)

    def test_no_escalation_after_agent_reply(self):
        n = self.new_ticket(self.c, priority="low")
        self.reply(self.a, n, "first response")
        set_created(n, self.CREATED)
        set_due_past(n)
        data = self.reply(self.c, n, "thanks, but")
        self.assertEqual(data["ticket"]["priority"], "low")
        self.assertEqual(db_entries_of(n, "priority_changed"), [])

    def test_no_escalation_before_due(self):
        n = self.new_ticket(self.c, priority="low")
        data = self.reply(self.c, n, "more info")
        self.assertEqual(data["ticket"]["priority"], "low")
        self.assertEqual(db_entries_of(n, "priority_changed"), [])
        n = self.new_ticket(self.c, priority="normal")
        data = self.reply(self.c, n, "more info")
        self.assertEqual(data["ticket"]["priority"], "normal")
        self.assertEqual(db_entries_of(n, "priority_changed"), [])

    def test_agent_note_or_reply_does_not_escalate(self):
        n = self.overdue("low")
        self.reply(self.a, n, "looking", internal=True)
        self.assertEqual(db_priority(n), "low")
        self.assertEqual(db_entries_of(n, "priority_changed"), [])
        self.reply(self.a, n, "late answer")
        self.assertEqual(db_priority(n), "low")
        self.assertEqual(db_entries_of(n, "priority_changed"), [])
        # The late answer counts: the customer's next reply escalates no more.
        data = self.reply(self.c, n, "ok")
        self.assertEqual(data["ticket"]["priority"], "low")

    def test_escalation_from_resolved_reply(self):
        n = self.overdue("low")
        set_status(n, "resolved")
        data = self.reply(self.c, n, "not fixed")
        self.assertEqual(data["ticket"]["status"], "open")
        self.check_escalated(n, "low", "normal", data)


if __name__ == "__main__":
    unittest.main()
