"""The hot statements' plans: no sequential scan of the big tables.

A database of its own (tix_plans, in the test cluster, migrated by
tix-admin) gets 10,000 tickets, 20,000 entries and ANALYZE; then each hot
statement, with the SQL the workers prepare (tix-stmt-sql prints it), is
prepared and executed six times (so that PostgreSQL has had the chance to
switch to a generic plan, as it may in a worker) and its plan read with
EXPLAIN (FORMAT JSON).  A plan that reads tickets, ticket_entries or
ticket_search by a sequential scan fails: at a million tickets that is
the difference between a millisecond and a second.  The searches must
also find their tickets through the search document's GIN index
(ranked) or walk the list's btree index (a word many tickets hold)."""

import json
import os
import subprocess
import unittest

from tixclient import require_env
from tixflow import admin_psql

BIG = {"tickets", "ticket_entries", "ticket_search"}
DB = "tix_plans"
TICKETS = 10000

SEED = r"""
INSERT INTO accounts (name, timezone) VALUES ('Plans', 'UTC');
INSERT INTO users (account_id, email, name, role, password_hash)
SELECT (SELECT id FROM accounts WHERE name = 'Plans'),
       'c' || u || '@plans.test', 'C ' || u,
       CASE WHEN u = 0 THEN 'agent' ELSE 'customer' END::user_role, '!'
  FROM generate_series(0, 200) u;
INSERT INTO tickets (account_id, requester_id, assignee_id, subject,
                     description, status, priority, category, created_at,
                     updated_at, customer_updated_at, first_response_due_at)
SELECT a.id, (SELECT id FROM users WHERE email = 'c' || (1 + g % 200)
                                                  || '@plans.test'),
       CASE WHEN g % 3 = 0 THEN NULL ELSE ag.id END,
       'Ticket ' || g || CASE WHEN g % 5 < 2 THEN ' license' ELSE ' invoice'
                          END,
       'Words of ticket ' || g || ' about rarezq' || (g % 5000) || ' and '
           || CASE WHEN g % 7 = 0 THEN 'export' ELSE 'login' END,
       (ARRAY['open', 'in_progress', 'waiting', 'resolved', 'closed',
              'closed', 'closed', 'closed'])[1 + g % 8]::ticket_status,
       (ARRAY['low', 'normal', 'high', 'critical'])[1 + g % 4]
           ::ticket_priority,
       (ARRAY['technical', 'billing', 'license', 'general'])[1 + g % 4]
           ::ticket_category,
       now() - (@N@ - g) * interval '20 minutes',
       now() - (@N@ - g) * interval '19 minutes',
       now() - (@N@ - g) * interval '19 minutes',
       now() - (@N@ - g) * interval '19 minutes'
  FROM generate_series(1, @N@) g,
       (SELECT id FROM accounts WHERE name = 'Plans') a,
       (SELECT id FROM users WHERE email = 'c0@plans.test') ag;
INSERT INTO ticket_entries (ticket_id, type, actor_id, via, body, internal)
SELECT t.id, 'created', t.requester_id, 'portal', t.description, false
  FROM tickets t;
INSERT INTO ticket_entries (ticket_id, type, actor_id, via, body, internal)
SELECT t.id, CASE WHEN t.id % 2 = 0 THEN 'message' ELSE 'note' END
           ::entry_type, t.requester_id, 'portal',
       'A reply about the crash of ' || t.id, t.id % 2 = 1
  FROM tickets t;
VACUUM (ANALYZE);
"""


def stmt_sql(name):
    return subprocess.run(["tix-stmt-sql", name], capture_output=True,
                          text=True, check=True, timeout=30).stdout.strip()


def lit(v):
    if v is None:
        return "NULL"
    return "'%s'" % str(v).replace("'", "''")


def nodes(plan):
    yield plan
    for p in plan.get("Plans", []):
        yield from nodes(p)
    return


class PlanTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        url = require_env("TIX_DATABASE_URL")
        cls.url = url + " dbname=" + DB
        admin_psql("DROP DATABASE IF EXISTS %s;\n"
                   "CREATE DATABASE %s OWNER tix;\n" % (DB, DB))
        subprocess.run(["tix-admin", "migrate"], check=True, timeout=120,
                       capture_output=True,
                       env=dict(os.environ, TIX_DATABASE_URL=cls.url))
        cls.psql(SEED.replace("@N@", str(TICKETS)))
        cls.customer = cls.psql(
            "SELECT id FROM users WHERE email = 'c7@plans.test'")
        cls.after = cls.psql(
            "SELECT '{' || id || ',' || (extract(epoch FROM updated_at)"
            " * 1000000)::bigint || '}' FROM tickets"
            " ORDER BY updated_at DESC, id DESC OFFSET 1000 LIMIT 1")

    @classmethod
    def tearDownClass(cls):
        admin_psql("DROP DATABASE IF EXISTS %s;\n" % DB)

    @classmethod
    def psql(cls, sql):
        p = subprocess.run(["psql", cls.url, "-X", "-q", "-At", "-v",
                            "ON_ERROR_STOP=1", "-f", "-"], input=sql,
                           capture_output=True, text=True, timeout=120)
        if p.returncode != 0:
            raise RuntimeError("psql failed: %s" % p.stderr)
        return p.stdout.strip()

    def plan(self, name, nparams, analyze=False, generic=False, **params):
        """The plan of statement name after six executions; params by
        number (p1=..., p14=...), the others NULL; $7 is 'UTC', $12 26
        and $13 0 unless given.  With analyze, the plan as run (actual
        rows and loops); with generic, the generic plan (the one made
        without the values, which PostgreSQL may keep for a worker's
        prepared statement)."""
        return list(nodes(self.plan_tree(name, nparams, analyze, generic,
                                         **params)))

    def plan_tree(self, name, nparams, analyze=False, generic=False,
                  **params):
        params.setdefault("p7", "UTC")
        params.setdefault("p12", 26)
        if nparams > 12:
            params.setdefault("p13", 0)
        args = ", ".join(lit(params.get("p%d" % i))
                         for i in range(1, nparams + 1))
        out = self.psql("SET jit = off;\n%sPREPARE p AS %s;\n%s"
                        "EXPLAIN (%sFORMAT JSON) EXECUTE p(%s);\n"
                        % ("SET plan_cache_mode = force_generic_plan;\n"
                           if generic else "",
                           stmt_sql(name), "EXECUTE p(%s);\n" % args * 6,
                           "ANALYZE, " if analyze else "", args))
        start = out.index("[")
        return json.loads(out[start:])[0]["Plan"]

    def assertNoSeqScan(self, plan, what):
        for n in plan:
            if n["Node Type"] == "Seq Scan":
                self.assertNotIn(n.get("Relation Name"), BIG,
                                 "%s: %s" % (what, json.dumps(plan[0])))

    def indexes(self, plan):
        return {n.get("Index Name") for n in plan if "Index Name" in n}

    def generic_plans(self, name, nparams, **params):
        """How many of seven executions of statement name ran a generic
        plan (one planned once, not per request), and how many a plan of
        their own."""
        params.setdefault("p7", "UTC")
        params.setdefault("p12", 26)
        args = ", ".join(lit(params.get("p%d" % i))
                         for i in range(1, nparams + 1))
        out = self.psql("SET jit = off;\nPREPARE p AS %s;\n%s"
                        "SELECT generic_plans || ' ' || custom_plans"
                        " FROM pg_prepared_statements WHERE name = 'p';\n"
                        % (stmt_sql(name), "EXECUTE p(%s);\n" % args * 7))
        generic, custom = out.split()[-2:]
        return int(generic), int(custom)

    # The lists without a search run shaped statements (shaped/X: the
    # TIX_SHAPE_* bits of lib/db/stmt.h), each naming only its filters.
    CUSTOMER, COUNT, CURSOR = 1 << 0, 1 << 1, 1 << 5
    OPEN, CATEGORY = 1 << 6, 1 << 11
    PAGE = 26 << 19     # LIMIT 26: 25 rows and the one that says more

    def shaped(self, x):
        return "shaped/%d" % x

    def test_shaped_agent_pages_and_count(self):
        for sort in range(6):
            with self.subTest(sort=sort):
                p = self.plan(self.shaped(self.PAGE | sort << 2), 14)
                self.assertNoSeqScan(p, "shaped list %d" % sort)
        p = self.plan(self.shaped(self.PAGE), 14)
        self.assertIn("tickets_updated_idx", self.indexes(p))
        # The agent's count, by status and assignment alone: the sums of
        # ticket_counts (sql/025), never a walk of the tickets.
        for x in (self.COUNT, self.COUNT | self.OPEN,
                  self.COUNT | self.OPEN | 1 << 15):
            rels = {n.get("Relation Name") for n in self.plan(
                self.shaped(x), 12)} - {None}
            self.assertEqual(rels, {"ticket_counts"}, x)
        p = self.plan(self.shaped(self.PAGE | self.CURSOR), 14,
                      p14=self.after)
        self.assertIn("tickets_updated_idx", self.indexes(p))

    def test_shaped_customer_pages_and_count(self):
        for sort in range(6):
            with self.subTest(sort=sort):
                self.assertNoSeqScan(self.plan(self.shaped(
                    self.PAGE | self.CUSTOMER | sort << 2), 14,
                    p1=self.customer), "shaped customer list %d" % sort)
        self.assertNoSeqScan(self.plan(self.shaped(
            self.COUNT | self.CUSTOMER), 12, p1=self.customer),
            "shaped customer count")

    def test_shaped_open_queue(self):
        # status=open&category=...: the partial index of open tickets,
        # its statuses a constant of the text, the category a parameter.
        p = self.plan(self.shaped(self.PAGE | self.OPEN | self.CATEGORY),
                      14, p3="technical")
        self.assertIn("tickets_open_idx", self.indexes(p))
        # Its count: from an index of the status and category alone.
        p = self.plan(self.shaped(self.COUNT | self.OPEN | self.CATEGORY),
                      12, p3="technical")
        self.assertNoSeqScan(p, "open queue count")
        self.assertTrue(self.indexes(p) & {"tickets_open_idx",
                                           "tickets_status_category_idx"},
                        self.indexes(p))

    def test_shaped_lists_are_planned_once(self):
        # The first page of an agent, of a customer, the open queue and
        # their counts: after PostgreSQL's five trial plans, one generic
        # plan serves every request.
        cases = [
            (self.PAGE, 14, {}),
            (self.COUNT, 12, {}),
            (self.PAGE | self.CUSTOMER, 14, {"p1": self.customer}),
            (self.COUNT | self.CUSTOMER, 12, {"p1": self.customer}),
            (self.PAGE | self.OPEN | self.CATEGORY, 14, {"p3": "license"}),
            (self.COUNT | self.OPEN | self.CATEGORY, 12, {"p3": "license"}),
        ]
        for x, n, params in cases:
            with self.subTest(shape=x):
                generic, custom = self.generic_plans(self.shaped(x), n,
                                                     **params)
                self.assertGreaterEqual(generic, 1, "shape %d" % x)
                self.assertLessEqual(custom, 5, "shape %d" % x)

    # List statements: ticket_list/I is sort I // 2 of enum tix_sort
    # (0 -updated_at, 1 updated_at, 2 -created_at, 3 created_at,
    # 4 -priority, 5 priority, 6 relevance), the customers' when I is odd.

    def test_cursor_page(self):
        p = self.plan("ticket_list/0", 14, p14=self.after)
        self.assertNoSeqScan(p, "cursor page")
        self.assertIn("tickets_updated_idx", self.indexes(p))

    def test_common_word_walks_the_list_index(self):
        # "license" is in 40% of the subjects: more than the ranked way
        # takes, so the worker walks the sort's index.
        w = {"p9": "{wlicense}"}
        for name in ("ticket_list/0", "ticket_list/1"):
            p = self.plan(name, 14,
                          p1=self.customer if name.endswith("1") else None,
                          **w)
            self.assertNoSeqScan(p, name)
            # The agent's walk reads the list's order; a customer's
            # reads one of the requester's indexes (with 50 tickets
            # PostgreSQL may as well sort them).
            want = "tickets_updated_idx" if name.endswith("0") else \
                "tickets_requester"
            self.assertTrue(any(i.startswith(want)
                                for i in self.indexes(p)), self.indexes(p))
        for name in ("search_count", "search_count_c"):
            p = self.plan(name, 12, p12=10001,
                          p1=self.customer if name.endswith("c") else None,
                          **w)
            self.assertNoSeqScan(p, name)

    def test_rare_word_ranked_from_the_gin_index(self):
        w = {"p9": "{wrarezq4242}"}
        p = self.plan("search_ranked/12", 14, **w)
        self.assertNoSeqScan(p, "ranked")
        self.assertIn("ticket_search_staff_doc_idx", self.indexes(p))
        p = self.plan("search_ranked/13", 14, p1=self.customer, **w)
        self.assertNoSeqScan(p, "ranked, customer")
        self.assertNotIn("ticket_search_staff_doc_idx", self.indexes(p))
        p = self.plan("search_count", 12, p12=10001, **w)
        self.assertNoSeqScan(p, "count")
        self.assertIn("ticket_search_staff_doc_idx", self.indexes(p))
        # A number and its word; a prefix; a phrase.
        for w in ({"p8": 1042, "p9": "{w1042}"}, {"p9": "{xrarezq42}"},
                  {"p9": '{"pabout rarezq4242"}'}):
            with self.subTest(w=w):
                self.assertNoSeqScan(self.plan("search_ranked/12", 14, **w),
                                     "ranked %s" % w)

    def test_ranked_page_joins_the_summary_for_its_rows_only(self):
        # "login" is in six descriptions of seven: far more candidates
        # than a page.  They are filtered, ranked, sorted and limited on
        # tickets alone; the requester, the account and the assignee are
        # joined to the page's rows (at most $12), after the limit.
        for name, who in (("search_ranked/12", None),
                          ("search_ranked/13", self.customer)):
            with self.subTest(name=name):
                tree = self.plan_tree(name, 14, analyze=True, p1=who,
                                      p9="{wlogin}", p12=26)
                self.assertGreater(int(self.psql(
                    "SELECT count(*) FROM tickets WHERE description"
                    " LIKE '%% login' AND requester_id = coalesce(%s,"
                    " requester_id)" % lit(who))), 26, name)
                for n in nodes(tree):
                    if n.get("Relation Name") not in ("users", "accounts"):
                        continue
                    self.assertNotEqual(n["Node Type"], "Seq Scan",
                                        "%s: %s" % (name, json.dumps(tree)))
                    self.assertLessEqual(n["Actual Loops"], 26,
                                         "%s: %s" % (name, json.dumps(tree)))
                self.assertFalse(self.summary_under_limit(tree),
                                 "%s: %s" % (name, json.dumps(tree)))

    def summary_under_limit(self, plan, below=False):
        """Whether users or accounts are read below the page's Limit
        (not counting the select list's subqueries)."""
        if plan.get("Parent Relationship") in ("SubPlan", "InitPlan"):
            return False
        if below and plan.get("Relation Name") in ("users", "accounts"):
            return True
        below = below or plan["Node Type"] == "Limit"
        return any(self.summary_under_limit(p, below)
                   for p in plan.get("Plans", []))

    def test_detail(self):
        number = self.psql("SELECT number FROM tickets ORDER BY id LIMIT 1")
        tid = self.psql("SELECT id FROM tickets ORDER BY id LIMIT 1")
        self.assertNoSeqScan(self.plan("ticket_find", 2, p1=number, p7=None,
                                       p12=None), "find")
        self.assertNoSeqScan(self.plan("ticket_summary", 2, p1=tid,
                                       p2="false", p7=None, p12=None),
                             "summary")
        self.assertNoSeqScan(self.plan("ticket_entries", 2, p1=tid,
                                       p2="true", p7=None, p12=None),
                             "entries")

    def test_detail_by_number(self):
        # The GET's batch: the four by the ticket's number in the
        # caller's scope, generic plans included, for an agent (scope
        # NULL) and a customer (their id), of their ticket and not.
        own = self.psql("SELECT number FROM tickets WHERE requester_id = %s"
                        " ORDER BY id LIMIT 1" % self.customer)
        other = self.psql("SELECT number FROM tickets"
                          " WHERE requester_id <> %s ORDER BY id LIMIT 1"
                          % self.customer)
        cases = (("agent", other, None, "t"), ("customer", own,
                  self.customer, "f"), ("not theirs", other, self.customer,
                                        "f"))
        for name in ("ticket_summary_n", "ticket_entries_n",
                     "refused_list_n", "attach_list_n"):
            for who, number, scope, staff in cases:
                role = staff if name != "ticket_summary_n" else \
                    ("f" if staff == "t" else "t")
                for generic in (False, True):
                    with self.subTest(name=name, who=who, generic=generic):
                        p = self.plan(name, 3, generic=generic, p1=number,
                                      p2=role, p3=scope, p7=None, p12=None)
                        self.assertNoSeqScan(p, name)
                        self.assertIn("tickets_number_key", self.indexes(p),
                                      "%s: %s" % (name, json.dumps(p[0])))


if __name__ == "__main__":
    unittest.main()
