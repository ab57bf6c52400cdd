"""deploy/prometheus.yml and deploy/alerts.yml (docs/deploy.md,
"Monitoring"): valid in shape for Prometheus, scraping the path nginx
really serves, and every alert names only metrics, and labels, that
GET /api/metrics really exposes."""
import os
import re

import yaml

from tixclient import ApiTestCase, Client, cast, create_ticket
from tixflow import set_due_past
from test_metrics import parse_metrics, value

HERE = os.path.dirname(os.path.abspath(__file__))
DEPLOY = os.path.join(HERE, "..", "..", "deploy")
DURATION = re.compile(r"^[0-9]+(ms|s|m|h|d|w|y)$")
METRIC = re.compile(r"\btix_[a-z0-9_]+\b")
# name{matchers}: the label names a selector matches on.
SELECTOR = re.compile(r"\b(tix_[a-z0-9_]+)\{([^}]*)\}")
MATCHER = re.compile(r"([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!~|!=|=)")
GROUPING = re.compile(r"\b(?:by|without)\s*\(([^)]*)\)")
HISTOGRAM = ("_bucket", "_sum", "_count")


def load(name):
    with open(os.path.join(DEPLOY, name), encoding="utf-8") as f:
        return yaml.safe_load(f)


def exposed(text):
    """{sample name: set of label names} of a scrape, families with no
    sample included (by their # TYPE line)."""
    samples, types = parse_metrics(text)
    names = {}
    for name, kind in types.items():
        names.setdefault(name, set())
        if kind == "histogram":
            for suffix in HISTOGRAM:
                names.setdefault(name + suffix, set())
    for (name, labels) in samples:
        names.setdefault(name, set()).update(k for k, _ in labels)
    return names


class ShapeTest(ApiTestCase):
    def test_alerts_shape(self):
        doc = load("alerts.yml")
        self.assertIsInstance(doc, dict)
        self.assertEqual(set(doc), {"groups"})
        self.assertTrue(doc["groups"])
        alerts = []
        for g in doc["groups"]:
            self.assertIsInstance(g.get("name"), str)
            self.assertTrue(g.get("rules"), g["name"])
            for rule in g["rules"]:
                self.assertLessEqual(set(rule), {"alert", "expr", "for",
                                                 "labels", "annotations"},
                                     rule)
                self.assertRegex(rule.get("alert") or "",
                                 r"^[A-Za-z_][A-Za-z0-9_]*$")
                self.assertIsInstance(rule.get("expr"), str, rule["alert"])
                self.assertRegex(str(rule.get("for")), DURATION,
                                 rule["alert"])
                for key in ("labels", "annotations"):
                    self.assertIsInstance(rule.get(key), dict,
                                          "%s: %s" % (rule["alert"], key))
                    for k, v in rule[key].items():
                        self.assertRegex(k, r"^[a-zA-Z_][a-zA-Z0-9_]*$")
                        self.assertIsInstance(v, str, "%s: %s" %
                                              (rule["alert"], k))
                self.assertIn("severity", rule["labels"], rule["alert"])
                self.assertIn("summary", rule["annotations"], rule["alert"])
                alerts.append(rule["alert"])
        self.assertEqual(len(alerts), len(set(alerts)), alerts)

    def test_scrape_config_shape(self):
        doc = load("prometheus.yml")
        self.assertIsInstance(doc.get("scrape_configs"), list)
        self.assertTrue(doc["scrape_configs"])
        self.assertIn("alerts.yml", doc.get("rule_files") or [])
        jobs = []
        for job in doc["scrape_configs"]:
            self.assertIsInstance(job.get("job_name"), str)
            self.assertEqual(job.get("metrics_path"), "/api/metrics",
                             job["job_name"])
            self.assertTrue(job.get("static_configs"), job["job_name"])
            for sc in job["static_configs"]:
                self.assertTrue(sc.get("targets"), job["job_name"])
                for t in sc["targets"]:
                    self.assertRegex(t, r"^[A-Za-z0-9.\-\[\]:]+:[0-9]+$")
            jobs.append(job["job_name"])
        self.assertEqual(len(jobs), len(set(jobs)), jobs)

    def test_the_scrape_path_answers_prometheus_text(self):
        # The path the config scrapes, through nginx, from the host itself
        # (the Prometheus the config describes): no login.
        path = load("prometheus.yml")["scrape_configs"][0]["metrics_path"]
        r = Client().get(path)
        self.assertStatus(r, 200)
        self.assertTrue(r.headers["Content-Type"].startswith(
            "text/plain; version=0.0.4"), r.headers["Content-Type"])


class RulesNameRealMetricsTest(ApiTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cast(cls)

    def scrape(self):
        # A request of each worker binary's kind, so that the request
        # counters have samples with their labels.
        self.assertStatus(Client().get("/api/health"), 200)
        r = Client().get("/api/metrics")
        self.assertStatus(r, 200)
        return r.raw.decode("utf-8")

    def test_every_metric_and_label_is_exposed(self):
        names = exposed(self.scrape())
        checked = set()
        for g in load("alerts.yml")["groups"]:
            for rule in g["rules"]:
                expr, alert = rule["expr"], rule["alert"]
                used = set(METRIC.findall(expr))
                self.assertTrue(used, "%s names no tix_ metric" % alert)
                for m in used:
                    self.assertIn(m, names, "%s: /api/metrics has no %s"
                                  % (alert, m))
                labels = set()
                for m in used:
                    labels |= names[m]
                for m, matchers in SELECTOR.findall(expr):
                    for label in MATCHER.findall(matchers):
                        self.assertIn(label, names[m], "%s: %s has no "
                                      "label %s" % (alert, m, label))
                for group in GROUPING.findall(expr):
                    for label in filter(None, (s.strip() for s in
                                               group.split(","))):
                        self.assertIn(label, labels, "%s: no metric of it "
                                      "has label %s" % (alert, label))
                checked |= used
        # The operations issue's alerts: outbox, SLA, 5xx, scheduler, db.
        for m in ("tix_outbox_failed", "tix_sla_breaches_total",
                  "tix_http_requests_total", "tix_scheduler_lag_seconds",
                  "tix_db_errors_total"):
            self.assertIn(m, checked)

    def test_a_fake_metric_would_be_caught(self):
        # The check above can fail: a name the output lacks is absent.
        names = exposed(self.scrape())
        self.assertNotIn("tix_outbox_failed_total", names)
        self.assertIn("tix_http_request_duration_seconds_bucket", names)

    def test_scheduler_lag_counts_an_unrecorded_miss(self):
        t = create_ticket(self.c)
        set_due_past(t["number"], "3 days")
        samples, types = parse_metrics(self.scrape())
        self.assertEqual(types.get("tix_scheduler_lag_seconds"), "gauge")
        self.assertGreaterEqual(value(samples, "tix_scheduler_lag_seconds"),
                                3 * 86400)
