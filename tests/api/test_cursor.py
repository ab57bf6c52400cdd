"""GET /api/tickets at scale: next_cursor, total and total_capped
(docs/api.md, List).

Walking by cursor equals walking by page in every sort, for a customer
and for an agent; a cursor keeps its place while tickets are created; a
cursor is only good for its viewer, its filters and its sort; past 10,000
matching tickets the total stops counting."""

import base64
import unittest
import urllib.parse

from tixclient import (ApiTestCase, cast, create_ticket, login, make_user,
                       psql, psql_int, ticket_int, unique_word)

SORTS = ["-updated_at", "updated_at", "-created_at", "created_at",
         "-priority", "priority", "relevance"]


def set_times(number, at):
    psql("UPDATE tickets SET created_at = :'p2'::timestamptz,"
         " updated_at = :'p2'::timestamptz,"
         " customer_updated_at = :'p2'::timestamptz"
         " WHERE number = :'p1'", ticket_int(number), at)


class CursorCase(ApiTestCase):

    def list(self, c, expect=200, **params):
        r = c.get("/api/tickets?" + urllib.parse.urlencode(params))
        if expect != 200:
            return r
        body = self.assertJson(r, 200)
        self.assertLessEqual({"tickets", "total", "total_capped",
                              "next_cursor", "page", "per_page"}, set(body))
        self.assertIsInstance(body["total_capped"], bool)
        if body["next_cursor"] is not None:
            self.assertIsInstance(body["next_cursor"], str)
            self.assertRegex(body["next_cursor"], r"^[A-Za-z0-9_-]+$")
        return body

    def numbers(self, body):
        return [t["number"] for t in body["tickets"]]

    def walk_pages(self, c, **params):
        out, page = [], 1
        while True:
            body = self.list(c, page=page, **params)
            if not body["tickets"]:
                self.assertIsNone(body["next_cursor"])
                return out
            out += self.numbers(body)
            page += 1
            self.assertLess(page, 100)

    def walk_cursor(self, c, **params):
        body = self.list(c, **params)
        out = self.numbers(body)
        while body["next_cursor"] is not None:
            body = self.list(c, cursor=body["next_cursor"], **params)
            self.assertIsNone(body["page"])
            self.assertTrue(body["tickets"], "a cursor to an empty page")
            out += self.numbers(body)
            self.assertLess(len(out), 1000)
        return out


class WalkTest(CursorCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cast(cls)
        cls.word = unique_word()
        cls.tickets = []
        prios = ["low", "normal", "high", "critical"]
        for i in range(13):
            # The word in the subject, the description or a reply, so
            # that relevance has several ranks; some tickets tie.
            fields = {"priority": prios[i % 4]}
            if i % 3 == 0:
                fields["subject"] = "Printer %s %d" % (cls.word, i)
            elif i % 3 == 1:
                fields["description"] = "It says %s again %d" % (cls.word, i)
            t = create_ticket(cls.c, **fields)
            if i % 3 == 2:
                r = cls.c.post("/api/tickets/%s/messages" % t["number"],
                               {"body": "Still %s" % cls.word})
                assert r.status == 201, r
            cls.tickets.append(t["number"])
        # Four tickets share one time to the microsecond: the id orders
        # them, and a page boundary falls among them.
        for n in cls.tickets[3:7]:
            set_times(n, "2026-01-02 03:04:05.123456+00")
        set_times(cls.tickets[8], "2025-06-01 00:00:00.000001+00")

    def test_customer_cursor_equals_pages_every_sort(self):
        for sort in SORTS:
            with self.subTest(sort=sort):
                full = self.numbers(self.list(self.c, sort=sort,
                                              per_page=100))
                self.assertEqual(sorted(full), sorted(self.tickets))
                for pp in (1, 4, 5):
                    by_page = self.walk_pages(self.c, sort=sort, per_page=pp)
                    by_cursor = self.walk_cursor(self.c, sort=sort,
                                                 per_page=pp)
                    self.assertEqual(by_page, full)
                    self.assertEqual(by_cursor, full)

    def test_agent_search_cursor_equals_pages_every_sort(self):
        for sort in SORTS:
            with self.subTest(sort=sort):
                full = self.numbers(self.list(self.a, q=self.word, sort=sort,
                                              per_page=100))
                self.assertEqual(sorted(full), sorted(self.tickets))
                by_page = self.walk_pages(self.a, q=self.word, sort=sort,
                                          per_page=3)
                by_cursor = self.walk_cursor(self.a, q=self.word, sort=sort,
                                             per_page=3)
                self.assertEqual(by_page, full)
                self.assertEqual(by_cursor, full)

    def test_relevance_by_cursor_keeps_the_ranking(self):
        body = self.list(self.c, q=self.word, per_page=100)
        full = self.numbers(body)
        # Subject hits rank first (docs/api.md, Ranking).
        subject_hits = {self.tickets[i] for i in range(0, 13, 3)}
        self.assertEqual(set(full[:len(subject_hits)]), subject_hits)
        self.assertEqual(self.walk_cursor(self.c, q=self.word, per_page=2),
                         full)
        # The numbered ticket first, then the others.
        n = self.tickets[5]
        body = self.list(self.a, q=n, per_page=1)
        self.assertEqual(self.numbers(body), [n])

    def test_filtered_cursor(self):
        full = self.numbers(self.list(self.c, priority="low", per_page=100))
        self.assertEqual(len(full), 4)
        self.assertEqual(self.walk_cursor(self.c, priority="low",
                                          per_page=1), full)

    def test_last_page_and_past_the_end(self):
        body = self.list(self.c, per_page=13)
        self.assertEqual(len(body["tickets"]), 13)
        self.assertIsNone(body["next_cursor"])
        body = self.list(self.c, per_page=12)
        self.assertIsNotNone(body["next_cursor"])
        last = self.list(self.c, per_page=12, cursor=body["next_cursor"])
        self.assertEqual(len(last["tickets"]), 1)
        self.assertIsNone(last["next_cursor"])
        self.assertEqual(last["total"], 13)
        self.assertFalse(last["total_capped"])
        body = self.list(self.c, page=5, per_page=5)
        self.assertEqual(body["tickets"], [])
        self.assertIsNone(body["next_cursor"])
        self.assertEqual(body["page"], 5)
        # A page by number has a cursor to the page after it too.
        body = self.list(self.c, page=2, per_page=5)
        nxt = self.list(self.c, cursor=body["next_cursor"], per_page=5)
        self.assertEqual(self.numbers(nxt),
                         self.numbers(self.list(self.c, page=3, per_page=5)))

    def test_per_page_may_change_between_pages(self):
        full = self.numbers(self.list(self.c, per_page=100))
        body = self.list(self.c, per_page=2)
        body = self.list(self.c, per_page=10, cursor=body["next_cursor"])
        self.assertEqual(self.numbers(body), full[2:12])


class StableTest(CursorCase):
    """New tickets do not shift the pages after a cursor."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cust = make_user("customer")
        cls.c = login(cls.cust)
        cls.tickets = [create_ticket(cls.c)["number"] for _ in range(8)]

    def test_stable_while_tickets_are_created(self):
        for sort in ("-updated_at", "created_at", "-priority"):
            with self.subTest(sort=sort):
                before = self.numbers(self.list(self.c, sort=sort,
                                                per_page=100))
                first = self.list(self.c, sort=sort, per_page=3)
                self.assertEqual(self.numbers(first), before[:3])
                new = [create_ticket(self.c)["number"] for _ in range(3)]
                second = self.list(self.c, sort=sort, per_page=3,
                                   cursor=first["next_cursor"])
                self.assertEqual(self.numbers(second), before[3:6])
                rest = self.walk_cursor(self.c, sort=sort, per_page=100)
                self.assertEqual(sorted(rest), sorted(before + new))
                # A page number shifts with tickets that sort first; the
                # cursor did not.
                if sort != "created_at":
                    self.assertNotEqual(self.numbers(self.list(
                        self.c, sort=sort, per_page=3, page=2)), before[3:6])


class RefusedTest(CursorCase):
    """A cursor is good for one viewer, one query: else 400."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cast(cls)
        cls.word = unique_word()
        for _ in range(3):
            create_ticket(cls.c, subject="Scanner %s" % cls.word)
        create_ticket(cls.s, subject="Scanner %s" % cls.word)

    def cursor(self, c, **params):
        body = self.list(c, per_page=1, **params)
        self.assertIsNotNone(body["next_cursor"])
        return body["next_cursor"]

    def assertRefused(self, c, cursor, **params):
        r = self.list(c, expect=400, cursor=cursor, **params)
        self.assertError(r, 400, "bad_request")

    def test_cursor_with_page(self):
        cur = self.cursor(self.c)
        self.assertRefused(self.c, cur, page=1)
        self.assertRefused(self.c, cur, page=2)

    def test_malformed(self):
        cur = self.cursor(self.c)
        raw = base64.urlsafe_b64decode(cur + "=" * (-len(cur) % 4))
        flipped = []
        for i in (0, 1, 5, 12, 20, 28, len(raw) - 1):
            b = bytearray(raw)
            b[i] ^= 1
            flipped.append(base64.urlsafe_b64encode(bytes(b)).decode()
                           .rstrip("="))
        for bad in ["", "x", "abc", cur[:-1], cur + "A", cur[:-2],
                    cur + cur, "!" * len(cur), cur.replace(cur[3], "+"),
                    cur + "=", "A" * 62, "A" * 5000,
                    "%s\x00" % cur] + flipped:
            with self.subTest(cursor=bad[:80]):
                self.assertRefused(self.c, bad)

    def test_foreign_user(self):
        cur = self.cursor(self.c)
        # Another customer of the same account, another account's, an
        # agent: none may continue it.
        self.assertRefused(self.s, cur)
        self.assertRefused(self.x, cur)
        self.assertRefused(self.a, cur)
        # The agent's own cursor is not the customer's either.
        cur = self.cursor(self.a, q=self.word)
        self.assertRefused(self.c, cur, q=self.word)
        self.list(self.a, cursor=cur, q=self.word, per_page=1)

    def test_foreign_filters_and_sort(self):
        cur = self.cursor(self.c, q=self.word)
        self.list(self.c, cursor=cur, q=self.word)
        for params in ({}, {"q": self.word + "x"},
                       {"q": self.word, "sort": "-updated_at"},
                       {"q": self.word, "status": "open"},
                       {"q": self.word, "category": "general"},
                       {"q": self.word, "priority": "normal"},
                       {"q": self.word, "created_from": "2020-01-01"},
                       {"q": self.word, "created_to": "2099-01-01"}):
            with self.subTest(params=params):
                self.assertRefused(self.c, cur, **params)
        cur = self.cursor(self.a, assignee="none", q=self.word)
        self.assertRefused(self.a, cur, q=self.word)
        self.assertRefused(self.a, cur, q=self.word, assignee="me")
        self.assertRefused(self.a, cur, q=self.word, assignee="none",
                           breached="false")
        cur = self.cursor(self.c, sort="created_at")
        self.assertRefused(self.c, cur, sort="-created_at")
        self.assertRefused(self.c, cur)


class CappedTotalTest(CursorCase):
    """Past 10,000 matching tickets the total stops counting.

    10,001 tickets are written with SQL for one new customer and removed
    at the end, so the other tests (one shared database) never see them."""

    N = 10001

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cust = make_user("customer")
        cls.few = make_user("customer")
        cls.agent = make_user("agent")
        cls.c = login(cls.cust)
        cls.f = login(cls.few)
        cls.a = login(cls.agent)
        cls.word = unique_word()
        for _ in range(2):
            create_ticket(cls.f, subject="Few %s" % cls.word)
        psql("INSERT INTO tickets (account_id, requester_id, subject,"
             " description, category, first_response_due_at)"
             " SELECT u.account_id, u.id, 'Bulk ' || :'p2' || ' ' || g,"
             " 'Bulk description ' || g, 'general', now() + interval '30 days'"
             " FROM users u, generate_series(1, :'p3'::int) g"
             " WHERE u.email = lower(:'p1')", cls.cust.email, cls.word, cls.N)

    @classmethod
    def tearDownClass(cls):
        psql("DELETE FROM tickets WHERE requester_id ="
             " (SELECT id FROM users WHERE email = lower(:'p1'))",
             cls.cust.email)
        super().tearDownClass()

    def test_capped(self):
        self.assertEqual(psql_int(
            "SELECT count(*) FROM tickets t JOIN users u"
            " ON u.id = t.requester_id WHERE u.email = lower(:'p1')",
            self.cust.email), self.N)
        body = self.list(self.c)
        self.assertEqual(body["total"], 10000)
        self.assertTrue(body["total_capped"])
        self.assertEqual(len(body["tickets"]), 25)
        self.assertIsNotNone(body["next_cursor"])
        # Far pages by cursor, the same rows as by page.
        body = self.list(self.c, per_page=100, sort="created_at")
        for _ in range(3):
            body = self.list(self.c, per_page=100, sort="created_at",
                             cursor=body["next_cursor"])
        self.assertEqual(self.numbers(body), self.numbers(
            self.list(self.c, per_page=100, sort="created_at", page=4)))
        self.assertTrue(body["total_capped"])
        # The agent's unfiltered list is capped too; a search of them.
        body = self.list(self.a)
        self.assertEqual(body["total"], 10000)
        self.assertTrue(body["total_capped"])
        body = self.list(self.a, q=self.word, per_page=5)
        self.assertEqual(body["total"], 10000)
        self.assertTrue(body["total_capped"])
        self.assertEqual(len(body["tickets"]), 5)

    def test_exact_below_the_cap(self):
        body = self.list(self.f)
        self.assertEqual(body["total"], 2)
        self.assertFalse(body["total_capped"])
        self.assertIsNone(body["next_cursor"])
        body = self.list(self.c, q="Bulk %s 7777" % self.word)
        self.assertEqual(body["total"], 1)
        self.assertFalse(body["total_capped"])


if __name__ == "__main__":
    unittest.main()
