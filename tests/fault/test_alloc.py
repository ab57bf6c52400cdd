"""Allocation failure at every allocation of a request (security.md F22).

A tix-tickets of the test's own (a build with TIX_FAULT_INJECTION, as
scripts/test makes) fails the n-th allocation of a request's arena when
the FastCGI parameter TIX_FAIL_ALLOC_AT is n.  Each request below is
sent once for every n from 1 until the log says the n-th allocation
was never reached.

Promise: every failed allocation gives a clean 500 `internal` or 503
`unavailable` in the contract's JSON, or (where the failure only cost
something optional) the normal answer; never a crash, never another
status; a create or reply that failed wrote nothing; nothing leaks
(LeakSanitizer checks after every such request); the process serves on."""

import json
import re
import sys
import unittest

import fcgiclient
from faultkit import (ApiTestCase, OwnWorker, bearer_token, children,
                      psql_int, ticket_body)
from tixclient import Client


class AllocationFailureTest(ApiTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.worker = OwnWorker(env={
            "ASAN_OPTIONS": "detect_leaks=1:abort_on_error=1:"
                            "halt_on_error=1:disable_coredump=1"})
        cls.token = bearer_token()
        c = Client(token=cls.token)
        r = c.post("/api/tickets", ticket_body())
        assert r.status == 201, r
        cls.number = r.body["ticket"]["number"]
        cls.first = children(cls.worker.proc.pid)

    @classmethod
    def tearDownClass(cls):
        cls.worker.close()
        super().tearDownClass()

    def send(self, method, uri, body=None, at=None, key=None, query=""):
        params = {"HTTP_AUTHORIZATION": "Bearer " + self.token,
                  "QUERY_STRING": query}
        if at is not None:
            params["TIX_FAIL_ALLOC_AT"] = str(at)
        if key is not None:
            params["HTTP_IDEMPOTENCY_KEY"] = key
        data = json.dumps(body).encode() if body is not None else b""
        r = fcgiclient.request(self.worker.sock, method, uri, body=data,
                               content_type="application/json"
                               if body is not None else None,
                               extra_params=params, timeout=20)
        self.assertIsNotNone(r, "no answer at allocation %s" % at)
        status, headers, raw = r
        try:
            doc = json.loads(raw)
        except ValueError:
            self.fail("not JSON at allocation %s: %r" % (at, raw[:200]))
        return status, doc

    def last_fault_line(self):
        lines = [x for x in self.worker.text().splitlines()
                 if " fault: " in x]
        return lines[-1] if lines else ""

    def torture(self, what, method, uri, make_body=None, written=None,
                query=""):
        """Send the request once for every allocation; return the
        statuses seen.  uri may be a function of n (a fresh ticket for
        each try of a write that grows it)."""
        path = uri if callable(uri) else (lambda n: uri)
        # Counted, not failed: how many allocations the request makes.
        base, _ = self.send(method, path(0),
                            make_body(0) if make_body else None,
                            at=10 ** 9, query=query)
        total = int(re.search(r"fault: (\d+) allocations, none failed",
                              self.last_fault_line()).group(1))
        sys.stderr.write("\n  %s: %d allocations\n" % (what, total))
        self.assertLess(total, 1000, what)
        seen = {}
        wrong = []
        n = 0
        while True:
            n += 1
            self.assertLess(n, 5000, "%s: no end of allocations" % what)
            body = make_body(n) if make_body else None
            status, doc = self.send(method, path(n), body, at=n,
                                    query=query)
            line = self.last_fault_line()
            self.assertNotIn("leak", line, "%s at %d" % (what, n))
            if "none failed" in line:
                self.assertEqual(status, base, "%s: %r" % (what, doc))
                break
            self.assertIn("failed allocation %d of" % n, line)
            code = doc.get("error", {}).get("code") if isinstance(
                doc, dict) else None
            if (status, code) not in {(500, "internal"),
                                      (503, "unavailable"), (base, None)}:
                wrong.append("allocation %d: %d %r" % (n, status, doc))
            if written is not None:
                rows = written(body)
                self.assertEqual(rows, 1 if status == base else 0,
                                 "%s, allocation %d: %d rows after %d %r"
                                 % (what, n, rows, status, doc))
            seen[(status, code)] = seen.get((status, code), 0) + 1
        self.assertEqual(wrong, [], what)
        # The same process all along: no crash, no abort.
        self.assertEqual(children(self.worker.proc.pid), self.first)
        text = self.worker.text()
        self.assertNotIn("LeakSanitizer", text)
        self.assertNotRegex(text, re.compile(r"ERROR: AddressSanitizer|"
                                             r"runtime error:"))
        return n, seen

    def test_list(self):
        self.torture("list", "GET", "/api/tickets", query="per_page=5")

    def test_detail(self):
        self.torture("detail", "GET", "/api/tickets/" + self.number)

    def test_create(self):
        tag = "alloc-" + self.token[-10:]

        def body(n):
            return ticket_body(subject="%s %d" % (tag, n))

        def rows(b):
            return psql_int("SELECT count(*) FROM tickets WHERE subject ="
                            " :'p1'", b["subject"])
        self.torture("create", "POST", "/api/tickets", body, rows)

    def test_reply(self):
        tag = "alloc-reply-" + self.token[-10:]

        def body(n):
            return {"body": "%s %d" % (tag, n)}

        def rows(b):
            return psql_int("SELECT count(*) FROM ticket_entries WHERE"
                            " body = :'p1'", b["body"])
        client = Client(token=self.token)

        def fresh(n):
            r = client.post("/api/tickets", ticket_body())
            return "/api/tickets/%s/messages" % r.body["ticket"]["number"]
        self.torture("reply", "POST", fresh, body, rows)


if __name__ == "__main__":
    unittest.main()
