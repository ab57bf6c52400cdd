"""GET /api/tickets: scope, filters, sort, pages and search."""

import unittest
import urllib.parse

from tixclient import (cast, ApiTestCase, Client, create_ticket, login, make_user,
                       new_account_name, psql, ticket_int, unique_word)


def set_times(number, created, updated=None):
    psql("UPDATE tickets SET created_at = :'p2'::timestamptz,"
         " updated_at = :'p3'::timestamptz,"
         " customer_updated_at = :'p3'::timestamptz"
         " WHERE number = :'p1'",
         ticket_int(number), created, updated or created)


def set_status(number, status):
    psql("UPDATE tickets SET status = :'p2'::ticket_status,"
         " resolved_at = CASE WHEN :'p2' IN ('resolved', 'closed')"
         "   THEN now() END,"
         " closed_at = CASE WHEN :'p2' = 'closed' THEN now() END"
         " WHERE number = :'p1'", ticket_int(number), status)


class ListCase(ApiTestCase):

    def list(self, c, expect=200, **params):
        path = "/api/tickets"
        if params:
            path += "?" + urllib.parse.urlencode(params)
        r = c.get(path)
        if expect != 200:
            return r
        body = self.assertJson(r, 200)
        self.assertLessEqual({"tickets", "total", "page", "per_page"},
                             set(body), body)
        for t in body["tickets"]:
            self.assertSummary(t)
        return body

    def numbers(self, body):
        return [t["number"] for t in body["tickets"]]


class ScopeAndFilterTest(ListCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        acct = new_account_name()
        cls.cust = make_user("customer", account=acct)
        cls.same = make_user("customer", account=acct)
        cls.agent = make_user("agent")
        cls.c = login(cls.cust)
        cls.s = login(cls.same)
        cls.a = login(cls.agent)
        # Five tickets with distinct priorities, categories and statuses.
        specs = [("low", "technical", "open"),
                 ("normal", "billing", "in_progress"),
                 ("high", "license", "waiting"),
                 ("critical", "general", "resolved"),
                 ("normal", "technical", "closed")]
        cls.tickets = []
        for i, (prio, cat, status) in enumerate(specs):
            t = create_ticket(cls.c, priority=prio, category=cat,
                              subject="Scope %d" % i)
            set_status(t["number"], status)
            # Distinct, ordered times: created in order; updated reversed.
            set_times(t["number"], "2026-01-%02dT10:00:00Z" % (i + 1),
                      "2026-02-%02dT10:00:00Z" % (10 - i))
            t.update(priority=prio, category=cat, status=status)
            cls.tickets.append(t)
        cls.mine = {t["number"] for t in cls.tickets}
        cls.theirs = create_ticket(cls.s, subject="Same account other")

    def by(self, pred):
        return {t["number"] for t in self.tickets if pred(t)}

    def test_customer_sees_exactly_own_tickets(self):
        body = self.list(self.c)
        self.assertSecurityHeaders(self.c.get("/api/tickets"))
        self.assertEqual(set(self.numbers(body)), self.mine)
        self.assertEqual(body["total"], 5)
        self.assertEqual(body["page"], 1)
        self.assertEqual(body["per_page"], 25)
        for t in body["tickets"]:
            self.assertEqual(t["requester"]["id"], self.cust.id)
        other = self.list(self.s)
        self.assertEqual(self.numbers(other), [self.theirs["number"]])
        self.assertEqual(other["total"], 1)

    def test_requester_account_in_rows(self):
        me = self.assertJson(self.c.get("/api/auth/me"), 200)["user"]
        want = {"id": me["account"]["id"], "name": self.cust.account}
        for t in self.list(self.c)["tickets"]:
            self.assertEqual(t["requester"]["account"], want)
        # The other customer of the same account: the same account.
        for t in self.list(self.s)["tickets"]:
            self.assertEqual(t["requester"]["id"], self.same.id)
            self.assertEqual(t["requester"]["account"], want)
        for t in self.tickets + [self.theirs]:
            with self.subTest(number=t["number"]):
                body = self.list(self.a, q=t["number"])
                self.assertEqual(self.numbers(body)[:1], [t["number"]])
                self.assertEqual(body["tickets"][0]["requester"]["account"],
                                 want)

    def test_default_sort_is_newest_update_first(self):
        body = self.list(self.c)
        expected = [t["number"] for t in self.tickets]  # updated reversed
        self.assertEqual(self.numbers(body), expected)

    def test_sorts(self):
        created = [t["number"] for t in self.tickets]
        updated = list(reversed(created))
        cases = {
            "created_at": created,
            "-created_at": list(reversed(created)),
            "updated_at": updated,
            "-updated_at": created,
        }
        for sort, expected in cases.items():
            with self.subTest(sort=sort):
                self.assertEqual(self.numbers(self.list(self.c, sort=sort)),
                                 expected)
        rank = {"low": 0, "normal": 1, "high": 2, "critical": 3}
        for sort, rev in (("priority", False), ("-priority", True)):
            with self.subTest(sort=sort):
                got = self.list(self.c, sort=sort)["tickets"]
                prios = [rank[t["priority"]] for t in got]
                self.assertEqual(prios, sorted(prios, reverse=rev))
                self.assertEqual(len(got), 5)
        got = self.list(self.c, sort="priority")["tickets"]
        self.assertEqual(got[0]["priority"], "low")
        self.assertEqual(got[-1]["priority"], "critical")

    def test_status_filter(self):
        for q, pred in (
                ("open", lambda t: t["status"] == "open"),
                ("open,waiting", lambda t: t["status"] in ("open", "waiting")),
                ("resolved,closed,in_progress",
                 lambda t: t["status"] in ("resolved", "closed",
                                           "in_progress")),
                ("closed", lambda t: t["status"] == "closed")):
            with self.subTest(status=q):
                body = self.list(self.c, status=q)
                self.assertEqual(set(self.numbers(body)), self.by(pred))
                self.assertEqual(body["total"], len(self.by(pred)))
                for t in body["tickets"]:
                    self.assertIn(t["status"], q.split(","))

    def test_category_and_priority_filters(self):
        body = self.list(self.c, category="technical")
        self.assertEqual(set(self.numbers(body)),
                         self.by(lambda t: t["category"] == "technical"))
        body = self.list(self.c, priority="normal")
        self.assertEqual(set(self.numbers(body)),
                         self.by(lambda t: t["priority"] == "normal"))
        body = self.list(self.c, priority="normal", category="technical")
        self.assertEqual(set(self.numbers(body)),
                         self.by(lambda t: t["priority"] == "normal"
                                 and t["category"] == "technical"))
        self.assertEqual(body["total"], 1)
        body = self.list(self.c, priority="critical", status="open")
        self.assertEqual(body["tickets"], [])
        self.assertEqual(body["total"], 0)

    def test_pages(self):
        seen = []
        for page, n in ((1, 2), (2, 2), (3, 1)):
            body = self.list(self.c, per_page=2, page=page, sort="created_at")
            self.assertEqual(body["page"], page)
            self.assertEqual(body["per_page"], 2)
            self.assertEqual(body["total"], 5)
            self.assertEqual(len(body["tickets"]), n)
            seen += self.numbers(body)
        self.assertEqual(seen, [t["number"] for t in self.tickets])
        body = self.list(self.c, per_page=2, page=4)
        self.assertEqual(body["tickets"], [])
        self.assertEqual(body["total"], 5)
        self.assertEqual(body["page"], 4)
        body = self.list(self.c, page=1000000)
        self.assertEqual(body["tickets"], [])
        self.assertEqual(body["total"], 5)
        for pp in (1, 100):
            body = self.list(self.c, per_page=pp)
            self.assertEqual(body["per_page"], pp)
            self.assertEqual(len(body["tickets"]), min(pp, 5))

    def test_bad_values_400(self):
        for params in ({"per_page": 0}, {"per_page": 101}, {"per_page": "abc"},
                       {"per_page": -1}, {"per_page": ""}, {"per_page": "1.5"},
                       {"per_page": "99999999999999999999"},
                       {"page": 0}, {"page": -1}, {"page": "abc"},
                       {"page": ""}, {"page": "9223372036854775808"},
                       {"status": "bogus"}, {"status": "open,bogus"},
                       {"status": "OPEN"}, {"status": "open,"},
                       {"category": "hardware"}, {"priority": "urgent"},
                       {"sort": "subject"}, {"sort": "+created_at"},
                       {"sort": "created_at;DROP TABLE tickets"},
                       {"sort": "(select 1)"}, {"created_from": "yesterday"},
                       {"created_from": "2026-13-01"},
                       {"created_to": "2026-02-30"},
                       {"created_to": "2026-1-5"},
                       {"created_from": "2026-01-01T00:00:00Z"}):
            with self.subTest(params=params):
                r = self.list(self.c, expect=400, **params)
                self.assertError(r, 400, "bad_request")

    def test_repeated_parameter_400(self):
        for q in ("status=open&status=closed", "page=1&page=1",
                  "sort=created_at&sort=priority", "q=a&q=b",
                  "per_page=5&per_page=6"):
            with self.subTest(query=q):
                self.assertError(self.c.get("/api/tickets?" + q), 400,
                                 "bad_request")

    def test_unauthenticated(self):
        self.assertError(Client().get("/api/tickets"), 401, "unauthenticated")


class DateFilterTest(ListCase):
    """created_from/created_to are days in the account's timezone."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cust = make_user("customer", timezone="Asia/Tokyo")  # UTC+9
        cls.c = login(cls.cust)
        times = {
            # UTC time              Tokyo local day
            "y": "2026-03-10T14:00:00Z",   # 03-10 23:00
            "x": "2026-03-10T16:00:00Z",   # 03-11 01:00
            "z": "2026-03-11T14:59:59Z",   # 03-11 23:59:59
            "w": "2026-03-11T15:00:00Z",   # 03-12 00:00
            "v": "2026-03-09T15:00:00Z",   # 03-10 00:00
            "u": "2026-03-09T14:59:59Z",   # 03-09 23:59:59
        }
        cls.t = {}
        for key, at in times.items():
            t = create_ticket(cls.c, subject="Date " + key)
            set_times(t["number"], at)
            cls.t[key] = t["number"]

    def check(self, expected, **params):
        body = self.list(self.c, per_page=100, **params)
        self.assertEqual(set(self.numbers(body)),
                         {self.t[k] for k in expected}, params)
        self.assertEqual(body["total"], len(expected))

    def test_from(self):
        self.check("xzw", created_from="2026-03-11")
        self.check("yxzwv", created_from="2026-03-10")
        self.check("", created_from="2026-03-13")

    def test_to(self):
        self.check("yvu", created_to="2026-03-10")
        self.check("u", created_to="2026-03-09")
        self.check("yxzvu", created_to="2026-03-11")

    def test_range_inclusive(self):
        self.check("yv", created_from="2026-03-10", created_to="2026-03-10")
        self.check("xz", created_from="2026-03-11", created_to="2026-03-11")
        self.check("", created_from="2026-03-12", created_to="2026-03-11")


class SearchTest(ListCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cast(cls)
        cls.word = unique_word()
        w = cls.word
        cls.in_subject = create_ticket(
            cls.c, subject="Printer %s broken" % w.upper())["number"]
        cls.in_desc = create_ticket(
            cls.c, description="It says %s. Then it stops." % w.capitalize()
        )["number"]
        cls.in_message = create_ticket(cls.c)["number"]
        r = cls.c.post("/api/tickets/%s/messages" % cls.in_message,
                       {"body": "Update: the %s again" % w, "internal": False})
        assert r.status == 201, r
        cls.in_note = create_ticket(cls.c)["number"]
        r = cls.a.post("/api/tickets/%s/messages" % cls.in_note,
                       {"body": "Internal: %s suspected" % w,
                        "internal": True})
        assert r.status == 201, r
        cls.unrelated = create_ticket(cls.c)["number"]
        cls.same_acct = create_ticket(cls.s, subject="Mine %s" % w)["number"]
        cls.foreign = create_ticket(cls.x, subject="Also %s" % w)["number"]

    def test_word_search_own_tickets(self):
        body = self.list(self.c, q=self.word)
        self.assertEqual(set(self.numbers(body)),
                         {self.in_subject, self.in_desc, self.in_message})
        self.assertEqual(body["total"], 3)

    def test_word_search_case_insensitive(self):
        body = self.list(self.c, q=self.word.upper())
        self.assertEqual(set(self.numbers(body)),
                         {self.in_subject, self.in_desc, self.in_message})

    def test_search_never_shows_other_customers(self):
        for c, own in ((self.s, {self.same_acct}), (self.x, {self.foreign})):
            body = self.list(c, q=self.word)
            self.assertEqual(set(self.numbers(body)), own)
            self.assertEqual(body["total"], 1)
        for params in ({}, {"status": "open"}, {"sort": "priority"},
                       {"per_page": 1, "page": 2}, {"category": "general"}):
            with self.subTest(params=params):
                body = self.list(self.c, q=self.word, **params)
                got = set(self.numbers(body))
                self.assertNotIn(self.same_acct, got)
                self.assertNotIn(self.foreign, got)
                self.assertLessEqual(body["total"], 3)

    def test_agent_search_sees_all_customers(self):
        body = self.list(self.a, q=self.word, per_page=100)
        got = set(self.numbers(body))
        self.assertLessEqual({self.in_subject, self.in_desc, self.in_message,
                              self.same_acct, self.foreign}, got)

    def test_internal_note_text_never_found_by_customer(self):
        body = self.list(self.c, q=self.word, per_page=100)
        self.assertNotIn(self.in_note, self.numbers(body))
        body = self.list(self.c, q="suspected")
        self.assertNotIn(self.in_note, self.numbers(body))

    def test_ticket_number_search(self):
        body = self.list(self.c, q=self.unrelated)
        self.assertEqual(self.numbers(body), [self.unrelated])
        self.assertEqual(body["total"], 1)
        body = self.list(self.a, q=self.unrelated)
        self.assertEqual(self.numbers(body), [self.unrelated])
        for c in (self.s, self.x):
            body = self.list(c, q=self.unrelated)
            self.assertEqual(body["tickets"], [])
            self.assertEqual(body["total"], 0)
        body = self.list(self.c, q=self.foreign)
        self.assertEqual(body["tickets"], [])
        self.assertEqual(body["total"], 0)
        body = self.list(self.c, q="TICK-999999")
        self.assertEqual(body["tickets"], [])
        self.assertEqual(body["total"], 0)

    def test_search_text_is_data(self):
        for q in ("' OR 1=1 --", "%", "_", "\\", "%%%", "a%b_c",
                  "' OR ''='", "(", ":*", "&|!", "<->"):
            with self.subTest(q=q):
                body = self.list(self.c, q=q, per_page=100)
                for n in self.numbers(body):
                    self.assertNotIn(n, (self.same_acct, self.foreign))
                self.assertLessEqual(body["total"], 5)
        body = self.list(self.c, q="%")
        self.assertEqual(body["tickets"], [])


if __name__ == "__main__":
    unittest.main()
