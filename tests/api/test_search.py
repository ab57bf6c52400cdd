"""GET /api/tickets?q=: full-text search (docs/api.md, Search).

Every query carries a word made for the test class (unique_word), so that
tickets other tests left in the shared database never match."""

import random
import unittest
import urllib.parse

from tixclient import (ApiTestCase, cast, create_ticket, psql, psql_rows,
                       ticket_int, unique_word)


class SearchCase(ApiTestCase):

    def search(self, c, q, expect=200, **params):
        params["q"] = q
        r = c.get("/api/tickets?" + urllib.parse.urlencode(params))
        if expect != 200:
            return r
        body = self.assertJson(r, 200)
        for t in body["tickets"]:
            self.assertSummary(t)
            self.assertIn("match", t)
            if t["match"] is not None:
                self.assertMatch(t["match"])
        return body

    def numbers(self, body):
        return [t["number"] for t in body["tickets"]]

    def found(self, c, q, **params):
        body = self.search(c, q, per_page=100, **params)
        self.assertEqual(body["total"], len(body["tickets"]), body)
        return set(self.numbers(body))

    def assertMatch(self, m):
        self.assertEqual(set(m), {"in", "snippet"}, m)
        self.assertIn(m["in"], ("subject", "description", "message", "note"))
        self.assertIsInstance(m["snippet"], list)
        for seg in m["snippet"]:
            self.assertEqual(set(seg), {"text", "hit"}, seg)
            self.assertIsInstance(seg["text"], str)
            self.assertIsInstance(seg["hit"], bool)
            self.assertNotEqual(seg["text"], "")
            self.assertNotIn("\x01", seg["text"])
            self.assertNotIn("\x02", seg["text"])

    def reply(self, c, number, body, internal=False):
        r = c.post("/api/tickets/%s/messages" % number,
                   {"body": body, "internal": internal})
        self.assertEqual(r.status, 201, r)


class WordsTest(SearchCase):
    """Word forms, accents, every word, phrases, prefixes, numbers."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cast(cls)
        cls.w = w = unique_word()
        mk = lambda **kw: create_ticket(cls.c, **kw)["number"]
        cls.activation = mk(subject="Activation %s failed" % w,
                            description="Nothing more to say.")
        cls.activated = mk(subject="Other %s" % w,
                           description="It activated twice, then stopped.")
        cls.accent = mk(subject="Call Herr Müller about %s" % w)
        cls.phrase = mk(description="%s: the license key is broken" % w)
        cls.apart = mk(description="%s: the key of the license" % w)
        cls.prefix = mk(subject="%s licensing question" % w)
        cls.across = mk(subject="Across %s" % w)
        r = cls.c.post("/api/tickets/%s/messages" % cls.across,
                       {"body": "The zebra crossing again", "internal": False})
        assert r.status == 201, r
        cls.mine = {cls.activation, cls.activated, cls.accent, cls.phrase,
                    cls.apart, cls.prefix, cls.across}
        cls.foreign = create_ticket(cls.x, subject="Activation %s" % w)[
            "number"]

    def test_word_forms(self):
        want = {self.activation, self.activated}
        for q in ("activate", "activation", "ACTIVATED", "activating"):
            with self.subTest(q=q):
                self.assertEqual(self.found(self.c, "%s %s" % (self.w, q)),
                                 want)

    def test_accents(self):
        for q in ("muller", "Müller", "MULLER", "müller"):
            with self.subTest(q=q):
                self.assertEqual(self.found(self.c, "%s %s" % (self.w, q)),
                                 {self.accent})

    def test_every_word_must_match(self):
        w = self.w
        self.assertEqual(self.found(self.c, w), self.mine)
        self.assertEqual(self.found(self.c, "%s activate twice" % w),
                         {self.activated})
        self.assertEqual(self.found(self.c, "%s activate %s" %
                                    (w, unique_word())), set())
        # The words may sit in different fields: subject and a message.
        self.assertEqual(self.found(self.c, "%s zebra" % w), {self.across})
        self.assertEqual(self.found(self.c, "zebra %s crossing" % w),
                         {self.across})

    def test_phrase(self):
        w = self.w
        self.assertEqual(self.found(self.c, '%s "license key"' % w),
                         {self.phrase})
        self.assertEqual(self.found(self.c, '"License Key" %s' % w),
                         {self.phrase})
        self.assertEqual(self.found(self.c, "%s license key" % w),
                         {self.phrase, self.apart})
        self.assertEqual(self.found(self.c, '%s "key license"' % w), set())
        # An unclosed quote runs to the end.
        self.assertEqual(self.found(self.c, '%s "license key' % w),
                         {self.phrase})

    def test_prefix(self):
        w = self.w
        self.assertEqual(self.found(self.c, "%s lic*" % w),
                         {self.phrase, self.apart, self.prefix})
        self.assertEqual(self.found(self.c, "%s activ*" % w),
                         {self.activation, self.activated})
        # Fewer than three characters before '*': text, no prefix.
        self.assertEqual(self.found(self.c, "%s li*" % w), set())

    def test_number_alone_finds_that_ticket_first(self):
        n = ticket_int(self.activation)
        for q in (self.activation, self.activation.lower(), str(n),
                  " %d " % n):
            with self.subTest(q=q):
                body = self.search(self.c, q)
                self.assertEqual(self.numbers(body)[:1], [self.activation])
                self.assertIsNone(body["tickets"][0]["match"])
                body = self.search(self.a, q)
                self.assertEqual(self.numbers(body)[:1], [self.activation])
        # Another customer's ticket is not found by its number.
        for q in (self.foreign, str(ticket_int(self.foreign))):
            self.assertNotIn(self.foreign, self.found(self.c, q))
        self.assertEqual(self.found(self.x, self.activation), set())

    def test_other_customers_never_match(self):
        self.assertEqual(self.found(self.c, "%s activation" % self.w),
                         {self.activation, self.activated})
        self.assertEqual(self.found(self.x, self.w), {self.foreign})
        self.assertEqual(self.found(self.s, self.w), set())
        self.assertLessEqual(self.mine | {self.foreign},
                             self.found(self.a, self.w))

    def test_stop_words(self):
        w = self.w
        # Stop words in a query with other words are left out.
        self.assertEqual(self.found(self.c, "the %s and activate of" % w),
                         self.found(self.c, "%s activate" % w))
        # A query of nothing but stop words or punctuation matches none.
        for q in ("the", "the and of", "a an", '"the of"', "...", "&|!",
                  "-", "*", '""'):
            with self.subTest(q=q):
                body = self.search(self.c, q)
                self.assertEqual(body["tickets"], [])
                self.assertEqual(body["total"], 0)
                body = self.search(self.a, q)
                self.assertEqual(body["total"], 0)

    def test_sorts_with_q(self):
        w = self.w
        for sort in ("relevance", "created_at", "-created_at", "updated_at",
                     "-updated_at", "priority", "-priority"):
            with self.subTest(sort=sort):
                self.assertEqual(self.found(self.c, w, sort=sort), self.mine)
        created = self.numbers(self.search(self.c, w, sort="created_at"))
        self.assertEqual(created, sorted(created, key=ticket_int))
        # Without q, relevance orders as -updated_at.
        r = self.c.get("/api/tickets?sort=relevance")
        self.assertEqual(self.numbers(self.assertJson(r, 200)),
                         self.numbers(self.assertJson(
                             self.c.get("/api/tickets"), 200)))
        for t in self.assertJson(r, 200)["tickets"]:
            self.assertNotIn("match", t)

    def test_pages_and_total(self):
        body = self.search(self.c, self.w, per_page=3)
        self.assertEqual(body["total"], len(self.mine))
        self.assertEqual(len(body["tickets"]), 3)
        seen = []
        for page in (1, 2, 3):
            body = self.search(self.c, self.w, per_page=3, page=page)
            seen += self.numbers(body)
        self.assertEqual(len(seen), len(self.mine))
        self.assertEqual(set(seen), self.mine)


class RankingAndSnippetTest(SearchCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cast(cls)
        cls.r = r = unique_word()
        # Made in this order, so that newest-first would be the reverse
        # of the ranking.
        cls.in_subject = create_ticket(
            cls.c, subject="Problem with %s today" % r)["number"]
        cls.in_description = create_ticket(
            cls.c, description="Since Monday the %s stopped working, "
            "and nothing we tried helped at all." % r)["number"]
        cls.in_message = create_ticket(cls.c)["number"]
        r2 = cls.c.post("/api/tickets/%s/messages" % cls.in_message,
                        {"body": "Update: %s still broken." % r,
                         "internal": False})
        assert r2.status == 201, r2

    def test_subject_above_description_above_message(self):
        want = [self.in_subject, self.in_description, self.in_message]
        self.assertEqual(self.numbers(self.search(self.c, self.r)), want)
        self.assertEqual(
            self.numbers(self.search(self.c, self.r, sort="relevance")), want)
        self.assertEqual(self.numbers(self.search(self.a, self.r)), want)
        # Newest update first is another order, on request.
        self.assertEqual(
            self.numbers(self.search(self.c, self.r, sort="-updated_at")),
            list(reversed(want)))

    def test_match_in_and_snippet(self):
        body = self.search(self.c, self.r)
        got = {t["number"]: t["match"] for t in body["tickets"]}
        self.assertEqual(got[self.in_subject]["in"], "subject")
        self.assertEqual(got[self.in_description]["in"], "description")
        self.assertEqual(got[self.in_message]["in"], "message")
        for number, m in got.items():
            with self.subTest(number=number):
                hits = [s["text"] for s in m["snippet"] if s["hit"]]
                self.assertEqual(hits, [self.r])
                self.assertTrue(any(not s["hit"] for s in m["snippet"]))
        subj = got[self.in_subject]["snippet"]
        self.assertEqual("".join(s["text"] for s in subj),
                         "Problem with %s today" % self.r)
        self.assertEqual(subj[1], {"text": self.r, "hit": True})
        text = "".join(s["text"] for s in got[self.in_description]["snippet"])
        self.assertIn("the %s stopped" % self.r, text)

    def test_word_forms_are_marked(self):
        w = unique_word()
        n = create_ticket(self.c, subject="%s activation" % w,
                          description="We activated it and it deactivated "
                          "itself.")["number"]
        body = self.search(self.c, "%s activate" % w)
        self.assertEqual(self.numbers(body), [n])
        m = body["tickets"][0]["match"]
        self.assertEqual(m["in"], "subject")
        self.assertEqual([s["text"] for s in m["snippet"] if s["hit"]],
                         [w, "activation"])

    def test_snippet_is_text(self):
        w = unique_word()
        n = create_ticket(
            self.c, subject="<b>%s</b> & <script>x</script>" % w)["number"]
        body = self.search(self.c, w)
        self.assertEqual(self.numbers(body), [n])
        segs = body["tickets"][0]["match"]["snippet"]
        # An excerpt: from the first to the last word shown, with the
        # characters as they are (no tag or entity dropped).
        self.assertIn("%s</b> & <script>x</script" % w,
                      "".join(s["text"] for s in segs))
        self.assertIn({"text": w, "hit": True}, segs)


class NotesTest(SearchCase):
    """A customer's search never reads notes; an agent's does."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cast(cls)
        cls.shared = unique_word()
        cls.secret = unique_word()
        cls.ticket = create_ticket(cls.c, subject="Plain subject")["number"]
        cls.a.post("/api/tickets/%s/messages" % cls.ticket,
                   {"body": "Note: %s %s fraud suspected" %
                    (cls.shared, cls.secret), "internal": True})
        r = cls.c.post("/api/tickets/%s/messages" % cls.ticket,
                       {"body": "Public: %s works now" % cls.shared,
                        "internal": False})
        assert r.status == 201, r

    def test_customer_never_matches_note_text(self):
        for q in (self.secret, "%s %s" % (self.shared, self.secret),
                  '"%s %s"' % (self.shared, self.secret),
                  self.secret[:5] + "*"):
            with self.subTest(q=q):
                body = self.search(self.c, q)
                self.assertEqual(body["tickets"], [])
                self.assertEqual(body["total"], 0)

    def test_agent_matches_note_text(self):
        body = self.search(self.a, self.secret)
        self.assertEqual(self.numbers(body), [self.ticket])
        m = body["tickets"][0]["match"]
        self.assertEqual(m["in"], "note")
        self.assertIn(self.secret, [s["text"] for s in m["snippet"]
                                    if s["hit"]])
        body = self.search(self.a, "%s %s" % (self.shared, self.secret))
        self.assertEqual(self.numbers(body), [self.ticket])

    def test_customer_snippet_never_from_a_note(self):
        body = self.search(self.c, self.shared)
        self.assertEqual(self.numbers(body), [self.ticket])
        m = body["tickets"][0]["match"]
        self.assertEqual(m["in"], "message")
        text = "".join(s["text"] for s in m["snippet"])
        self.assertIn("works", text)
        self.assertNotIn(self.secret, text)
        self.assertNotIn("fraud", text)


class WriteThenSearchTest(SearchCase):
    """A write answered 2xx is found by the very next request."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cast(cls)

    def test_create_reply_note_searchable_at_once(self):
        w = unique_word()
        n = create_ticket(self.c, description="Fresh %s here" % w)["number"]
        self.assertEqual(self.found(self.c, w), {n})
        w2 = unique_word()
        self.reply(self.c, n, "Reply with %s" % w2)
        self.assertEqual(self.found(self.c, w2), {n})
        w3 = unique_word()
        self.reply(self.a, n, "Agent answer %s" % w3)
        self.assertEqual(self.found(self.c, w3), {n})
        w4 = unique_word()
        self.reply(self.a, n, "Internal %s" % w4, internal=True)
        self.assertEqual(self.found(self.a, w4), {n})
        self.assertEqual(self.found(self.c, w4), set())


class CommonWordTest(SearchCase):
    """A word in more tickets than are ranked (1,000, lib/tickets/search.c):
    the page walks the list's order, newest update first, with the same
    rules: every word, notes for agents only, totals, cursors."""

    N = 1030

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cast(cls)
        cls.w = w = unique_word()
        cls.secret = unique_word()
        cls.w2 = unique_word()
        # Straight into the tables: the API would take a minute.
        psql("INSERT INTO tickets (account_id, requester_id, subject,"
             " description, category, updated_at, customer_updated_at,"
             " first_response_due_at)"
             " SELECT u.account_id, u.id, 'Bulk ' || :'p1' || ' ' || g,"
             " 'Bulk ticket ' || g, 'general',"
             " now() - g * interval '1 minute',"
             " now() - g * interval '1 minute', now()"
             " FROM users u, generate_series(1, :'p2'::int) g"
             " WHERE u.id = :'p3'", w, cls.N, cls.cust.id)
        # One more: the word only in a message, and one with the word
        # only in a note (agents find it, the customer does not).
        cls.in_message = create_ticket(cls.c)["number"]
        r = cls.c.post("/api/tickets/%s/messages" % cls.in_message,
                       {"body": "Again %s today %s" % (w, cls.w2),
                        "internal": False})
        assert r.status == 201, r
        cls.in_note = create_ticket(cls.c)["number"]
        r = cls.a.post("/api/tickets/%s/messages" % cls.in_note,
                       {"body": "Note %s %s" % (w, cls.secret),
                        "internal": True})
        assert r.status == 201, r

    @classmethod
    def tearDownClass(cls):
        psql("DELETE FROM tickets WHERE requester_id = :'p1'", cls.cust.id)
        super().tearDownClass()

    def test_newest_update_first_and_total(self):
        body = self.search(self.c, self.w)
        # The ticket whose only hit is a note is not the customer's match.
        self.assertEqual(body["total"], self.N + 1)
        self.assertFalse(body["total_capped"])
        got = self.numbers(body)
        self.assertEqual(got[0], self.in_message)
        want = [r[0] for r in psql_rows(
            "SELECT 'TICK-' || number FROM tickets WHERE requester_id ="
            " :'p1' AND number <> :'p2'::int ORDER BY customer_updated_at"
            " DESC, id DESC LIMIT 25", self.cust.id,
            ticket_int(self.in_note))]
        self.assertEqual(got, want)
        m = {t["number"]: t["match"] for t in body["tickets"]}
        self.assertEqual(m[self.in_message]["in"], "message")
        self.assertEqual(m[got[1]]["in"], "subject")
        self.assertIn({"text": self.w, "hit": True}, m[got[1]]["snippet"])

    def test_notes_for_agents_only(self):
        # The customer's count leaves out the ticket whose only hit is a
        # note; the agent's has it.
        self.assertEqual(self.search(self.a, self.w)["total"], self.N + 2)
        body = self.search(self.a, self.w)
        self.assertEqual(body["tickets"][0]["number"], self.in_note)
        self.assertEqual(body["tickets"][0]["match"]["in"], "note")

    def test_every_word_and_cursor(self):
        self.assertEqual(self.found(self.c, "%s %s" % (self.w, self.w2)),
                         {self.in_message})
        body = self.search(self.c, "%s Bulk" % self.w, per_page=100)
        self.assertEqual(body["total"], self.N)
        seen, cursor = [], None
        for _ in range(3):
            params = {"per_page": 40}
            if cursor:
                params["cursor"] = cursor
            page = self.search(self.c, "%s Bulk" % self.w, **params)
            seen += self.numbers(page)
            cursor = page["next_cursor"]
        by_page = []
        for n in (1, 2, 3):
            by_page += self.numbers(self.search(
                self.c, "%s Bulk" % self.w, per_page=40, page=n))
        self.assertEqual(seen, by_page)
        self.assertEqual(len(set(seen)), 120)


class HostileQueryTest(SearchCase):
    """No q is a 500 or a database error; what is found stays scoped."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cast(cls)
        cls.w = unique_word()
        cls.mine = {create_ticket(cls.c, subject="Mine %s" % cls.w)["number"]}
        cls.theirs = create_ticket(cls.x, subject="Theirs %s" % cls.w)[
            "number"]

    @staticmethod
    def hostile():
        fixed = [
            "'", "''", '"', '""', '"""', "\\", "\\\\", "\\'", "'\\",
            "' OR 1=1 --", "'; DROP TABLE tickets; --", "%", "_", "%_%",
            "&", "|", "!", "!!", "(", ")", "()", ":", ":*", "*", "**",
            "a:*", "abc:*", "abc:A", "abc:*A", "<->", "<1>", "<-1>", "a <-> b",
            "a & b", "a | b", "!a", "a & !b", "(a | b) & c", "'a' & 'b'",
            "x:AB*", "\\:*", "'\\''", "''''''", '"a \\" b"', '"\\"',
            "lic*'", "lic*\\", "lic*:", "'lic'*", "&|!():*<>", "<>", "< >",
            "...", "---", "- - -", ",;.", "TICK-", "TICK--1", "TICK-0",
            "TICK-99999999999999999999", "99999999999999999999", "0", "-1",
            "1e999", "NaN", "NULL", "null", "{}", "{a,b}", '{"a"}', "[]",
            "the", "the a an of and or", "a", "I", "é", "Müller*",
            "日本語", "日本語*", "🙂", "🙂*", "\u202e", "a\u0301", "ﬁx",
            "Ωmega", "straße", "İstanbul", "\u00a0", "\u3000x\u3000",
            "x" * 200, "é" * 200, "日" * 200, "a " * 100, "* " * 100,
            '" ' * 100, "\\" * 200, "'" * 200, "&" * 200, "(" * 200,
            "ab* " * 50, '"a b" ' * 33, "lic*" * 50,
        ]
        rnd = random.Random(1001)
        alphabet = "ab ' \" \\ & | ! ( ) : * < > - % _ 1 é 日 🙂 \t"
        alphabet = alphabet.split(" ") + [" ", "lic", "the", "TICK-1001"]
        out = list(fixed)
        while len(out) < 300:
            n = rnd.randint(1, 30)
            q = "".join(rnd.choice(alphabet) for _ in range(n))[:200]
            if q.strip():
                out.append(q)
        return out

    def test_hostile_q_200_and_scoped(self):
        for q in self.hostile():
            with self.subTest(q=q):
                body = self.search(self.c, q, per_page=100)
                for t in body["tickets"]:
                    self.assertEqual(t["requester"]["id"], self.cust.id)
                self.assertNotIn(self.theirs, self.numbers(body))
                # With the class's word added, only the class's ticket.
                got = self.found(self.c, ("%s %s" % (self.w, q))[:200])
                self.assertLessEqual(got, self.mine)

    def test_hostile_q_agent_200(self):
        for q in self.hostile()[::3]:
            with self.subTest(q=q):
                self.search(self.a, q, per_page=5)

    def test_length_limit(self):
        for q in ("x" * 200, "é" * 200, "🙂" * 200):
            with self.subTest(n=len(q)):
                self.search(self.c, q)
        for q in ("x" * 201, "é" * 201):
            with self.subTest(n=len(q)):
                r = self.search(self.c, q, expect=400)
                self.assertError(r, 400, "bad_request")

    def test_bad_sort_still_400(self):
        for sort in ("rank", "-relevance", "relevance;", "Relevance"):
            with self.subTest(sort=sort):
                r = self.search(self.c, self.w, expect=400, sort=sort)
                self.assertError(r, 400, "bad_request")


if __name__ == "__main__":
    unittest.main()
