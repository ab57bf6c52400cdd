"""Request ids and GET /api/metrics (the contract's Operators section):
every answer carries X-Request-Id and every log line of a worker about a
request carries the same id; the metrics are Prometheus text with
requests by route and status, latency histograms, database errors, the
outbox and SLA breaches, open to admins and to the host itself."""
import os
import re
import time

from tixclient import (ApiTestCase, Client, cast, create_ticket, login,
                       psql_int, require_env, ticket_body)
from tixflow import table_locked

REQUEST_ID = re.compile(r"^[0-9a-f]{32}$")
SAMPLE = re.compile(r'^([a-z_]+)(?:\{(.*)\})? (\S+)$')
LABEL = re.compile(r'([a-z_]+)="([^"]*)"')


def parse_metrics(text):
    """{(name, frozenset(labels.items())): value} and {name: type}."""
    samples, types = {}, {}
    for line in text.splitlines():
        if line.startswith("# TYPE "):
            _, _, name, kind = line.split(" ", 3)
            types[name] = kind
            continue
        if not line or line.startswith("#"):
            continue
        m = SAMPLE.match(line)
        assert m, "not a sample line: %r" % line
        labels = frozenset(LABEL.findall(m.group(2) or ""))
        samples[(m.group(1), labels)] = float(m.group(3))
    return samples, types


def value(samples, name, **labels):
    return samples.get((name, frozenset(labels.items())), 0.0)


class RequestIdTest(ApiTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cast(cls)

    def test_every_answer_carries_one(self):
        anon = Client()
        answers = [
            self.c.get("/api/health"),              # a worker's JSON
            anon.get("/api/tickets"),               # a worker's 401
            anon.get("/api/no-such-route"),         # nginx's own 404
            anon.get("/customer/tickets"),          # the portal's HTML
            anon.request("POST", "/api/tickets", raw=b"x" * (2 << 20)),  # 413
            self.c.post("/api/tickets", ticket_body()),
        ]
        ids = []
        for r in answers:
            rid = r.headers.get("X-Request-Id") or ""
            self.assertRegex(rid, REQUEST_ID, "X-Request-Id of %r" % (r,))
            self.assertEqual(len(r.headers.get_all("X-Request-Id")), 1)
            ids.append(rid)
        self.assertEqual(len(set(ids)), len(ids), "ids repeat: %r" % ids)

    def test_a_workers_log_line_names_the_request(self):
        # A request that waits behind a held lock ends in a 503 and a
        # worker's warning about the statement: that line has the id.
        with table_locked("tickets"):
            r = self.c.post("/api/tickets", ticket_body())
            self.assertError(r, 503, "unavailable")
        rid = r.headers["X-Request-Id"]
        log = os.path.join(require_env("TIX_TEST_LOG_DIR"), "tix-tickets.log")
        deadline = time.monotonic() + 5
        lines = []
        while time.monotonic() < deadline:
            with open(log, encoding="utf-8", errors="replace") as f:
                lines = [ln for ln in f if "req=" + rid in ln]
            if lines:
                break
            time.sleep(0.1)
        self.assertTrue(lines, "no line of %s names request %s" % (log, rid))
        self.assertIn("WARN", lines[0])
        self.assertIn("SQLSTATE", lines[0])
        # Between requests nothing is named: the next line is not this id.
        r2 = self.c.get("/api/health")
        self.assertNotEqual(r2.headers["X-Request-Id"], rid)


class MetricsTest(ApiTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cast(cls, admin=True)

    def scrape(self, client=None):
        r = (client or Client()).get("/api/metrics")
        self.assertStatus(r, 200)
        self.assertTrue(r.headers["Content-Type"].startswith(
            "text/plain; version=0.0.4"), r.headers["Content-Type"])
        self.assertRegex(r.headers.get("X-Request-Id") or "", REQUEST_ID)
        return parse_metrics(r.raw.decode("utf-8"))

    def test_requests_by_route_and_status(self):
        before, _ = self.scrape()
        for _ in range(5):
            self.assertStatus(self.c.get("/api/health"), 200)
        for _ in range(3):
            self.assertStatus(Client().get("/api/tickets"), 401)
        self.assertStatus(self.c.get("/api/tickets/TICK-99999999"), 404)
        login(self.cust)    # tix-auth counts too
        after, types = self.scrape()

        def grew(labels, by):
            got = (value(after, "tix_http_requests_total", **labels) -
                   value(before, "tix_http_requests_total", **labels))
            self.assertEqual(got, by, labels)

        grew(dict(binary="tix-tickets", method="GET", route="/api/health",
                  status="200"), 5)
        grew(dict(binary="tix-tickets", method="GET", route="/api/tickets",
                  status="401"), 3)
        grew(dict(binary="tix-tickets", method="GET",
                  route="/api/tickets/{}", status="404"), 1)
        grew(dict(binary="tix-auth", method="POST", route="/api/auth/login",
                  status="200"), 1)
        self.assertEqual(types["tix_http_requests_total"], "counter")
        self.assertEqual(types["tix_http_request_duration_seconds"],
                         "histogram")

    def test_latency_histogram_adds_up(self):
        for _ in range(4):
            self.assertStatus(self.c.get("/api/health"), 200)
        samples, _ = self.scrape()
        labels = dict(binary="tix-tickets", method="GET", route="/api/health")
        buckets = sorted(
            (float("inf") if dict(k[1])["le"] == "+Inf" else
             float(dict(k[1])["le"]), v)
            for k, v in samples.items()
            if k[0] == "tix_http_request_duration_seconds_bucket" and
            {kv for kv in k[1] if kv[0] != "le"} == set(labels.items()))
        self.assertEqual(len(buckets), 12, buckets)
        counts = [v for _, v in buckets]
        self.assertEqual(counts, sorted(counts), "buckets are cumulative")
        count = value(samples, "tix_http_request_duration_seconds_count",
                      **labels)
        self.assertEqual(counts[-1], count)
        self.assertGreaterEqual(count, 4)
        total = sum(v for k, v in samples.items()
                    if k[0] == "tix_http_requests_total" and
                    set(labels.items()) <= set(k[1]))
        self.assertEqual(total, count)
        s = value(samples, "tix_http_request_duration_seconds_sum", **labels)
        self.assertGreater(s, 0)
        self.assertLess(s / count, 1.0)

    def test_database_errors_are_counted(self):
        before, _ = self.scrape()
        with table_locked("tickets"):
            self.assertStatus(self.c.post("/api/tickets", ticket_body()), 503)
        after, _ = self.scrape()
        key = dict(binary="tix-tickets")
        self.assertGreaterEqual(value(after, "tix_db_errors_total", **key) -
                                value(before, "tix_db_errors_total", **key), 1)

    def test_outbox_and_sla_gauges_match_the_database(self):
        create_ticket(self.c)   # queues a notice or two
        samples, types = self.scrape()
        stats = self.a.get("/api/tickets/stats").json()
        self.assertEqual(value(samples, "tix_tickets_sla_breached"),
                         stats["breached"])
        queued = psql_int("SELECT count(*) FROM outbox "
                               "WHERE status = 'queued'")
        failed = psql_int("SELECT count(*) FROM outbox "
                               "WHERE status = 'failed'")
        self.assertEqual(value(samples, "tix_outbox_queued"), queued)
        self.assertEqual(value(samples, "tix_outbox_failed"), failed)
        self.assertGreater(queued, 0)
        breaches = psql_int("SELECT count(*) FROM ticket_entries "
                                 "WHERE type = 'sla_breached'")
        self.assertEqual(value(samples, "tix_sla_breaches_total"), breaches)
        self.assertEqual(types["tix_outbox_queued"], "gauge")
        self.assertEqual(types["tix_sla_breaches_total"], "counter")

    def test_from_another_address_only_admins(self):
        def from_elsewhere(client):
            client.source = "127.0.0.2"
            return client.get("/api/metrics")

        self.assertError(from_elsewhere(Client()), 401, "unauthenticated")
        for who in (self.cust, self.agent):
            c = login(who)
            self.assertError(from_elsewhere(c), 403, "forbidden")
        admin = login(self.admin)
        r = from_elsewhere(admin)
        self.assertStatus(r, 200)
        self.assertIn(b"tix_http_requests_total", r.raw)
        self.assertIn("no-store", r.headers.get("Cache-Control") or "")

    def test_a_customer_gets_nothing_of_a_ticket(self):
        word = "metricsword%d" % time.monotonic_ns()
        create_ticket(self.c, subject="Secret subject " + word)
        samples, _ = self.scrape()
        text = Client().get("/api/metrics").raw.decode("utf-8")
        self.assertNotIn(word, text)
        self.assertNotIn(self.cust.email, text)
        self.assertTrue(samples)
