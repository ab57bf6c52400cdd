"""Allocation failure at every allocation of a request (security.md F22).

A tix-tickets of the test's own (a build with TIX_FAULT_INJECTION, as
scripts/test makes) fails the n-th allocation of a request's arena when
the FastCGI parameter TIX_FAIL_ALLOC_AT is n.  Each request below is
sent once for every n from 1 until the log says the n-th allocation
was never reached.

The requests: a list page, a detail, a create (JSON and multipart with
a file), a reply, an agent's PATCH of status, priority and category, a
reopen, and an upload to tix-files (a worker of the test's own too).

Promise: every failed allocation gives a clean 500 `internal` or 503
`unavailable` in the contract's JSON, or (where the failure only cost
something optional) the normal answer; never a crash, never another
status; a write that failed wrote nothing, one that answered wrote all
of itself; nothing leaks (LeakSanitizer checks after every such
request); the process serves on."""

import json
import re
import sys
import unittest
import uuid

import fcgiclient
from faultkit import (ApiTestCase, OwnWorker, bearer_token, children,
                      psql_int, psql_rows, ticket_body)
from tixclient import Client


class Multipart:
    """A multipart/form-data body: fields and text files (attachments)."""

    def __init__(self, fields, files):
        self.fields, self.files = fields, files
        boundary = "alloc" + uuid.uuid4().hex
        parts = []
        for k, v in fields.items():
            parts.append(('--%s\r\nContent-Disposition: form-data; '
                          'name="%s"\r\n\r\n%s\r\n' % (boundary, k, v))
                         .encode())
        for name, content in files:
            parts.append(('--%s\r\nContent-Disposition: form-data; '
                          'name="attachments"; filename="%s"\r\n'
                          'Content-Type: text/plain\r\n\r\n'
                          % (boundary, name)).encode() + content + b"\r\n")
        parts.append(("--%s--\r\n" % boundary).encode())
        self.data = b"".join(parts)
        self.content_type = "multipart/form-data; boundary=" + boundary


ASAN = {"ASAN_OPTIONS": "detect_leaks=1:abort_on_error=1:halt_on_error=1:"
                        "disable_coredump=1"}


class AllocationFailureTest(ApiTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.worker = OwnWorker(env=ASAN)
        cls.files_worker = OwnWorker("tix-files", env=ASAN)
        cls.token = bearer_token()
        cls.agent_token = bearer_token("agent")
        c = Client(token=cls.token)
        r = c.post("/api/tickets", ticket_body())
        assert r.status == 201, r
        cls.number = r.body["ticket"]["number"]
        cls.first = {w: children(w.proc.pid)
                     for w in (cls.worker, cls.files_worker)}

    @classmethod
    def tearDownClass(cls):
        cls.worker.close()
        cls.files_worker.close()
        super().tearDownClass()

    def send(self, method, uri, body=None, at=None, key=None, query="",
             token=None, worker=None):
        params = {"HTTP_AUTHORIZATION": "Bearer " + (token or self.token),
                  "QUERY_STRING": query}
        if at is not None:
            params["TIX_FAIL_ALLOC_AT"] = str(at)
        if key is not None:
            params["HTTP_IDEMPOTENCY_KEY"] = key
        if isinstance(body, Multipart):
            data, ctype = body.data, body.content_type
        elif body is not None:
            data, ctype = json.dumps(body).encode(), "application/json"
        else:
            data, ctype = b"", None
        r = fcgiclient.request((worker or self.worker).sock, method, uri,
                               body=data, content_type=ctype,
                               extra_params=params, timeout=20)
        self.assertIsNotNone(r, "no answer at allocation %s" % at)
        status, headers, raw = r
        try:
            doc = json.loads(raw)
        except ValueError:
            self.fail("not JSON at allocation %s: %r" % (at, raw[:200]))
        return status, doc

    def last_fault_line(self, worker=None):
        lines = [x for x in (worker or self.worker).text().splitlines()
                 if " fault: " in x]
        return lines[-1] if lines else ""

    def torture(self, what, method, uri, make_body=None, written=None,
                query="", token=None, worker=None):
        """Send the request once for every allocation; return the
        statuses seen.  uri may be a function of n (a fresh ticket for
        each try of a write that grows it).  written(body) counts what
        the request wrote: 1 when all of it is there, 0 when none."""
        worker = worker or self.worker
        path = uri if callable(uri) else (lambda n: uri)
        # Counted, not failed: how many allocations the request makes.
        base, _ = self.send(method, path(0),
                            make_body(0) if make_body else None,
                            at=10 ** 9, query=query, token=token,
                            worker=worker)
        total = int(re.search(r"fault: (\d+) allocations, none failed",
                              self.last_fault_line(worker)).group(1))
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
                                    query=query, token=token, worker=worker)
            line = self.last_fault_line(worker)
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
        self.assertEqual(children(worker.proc.pid), self.first[worker])
        text = worker.text()
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


    def fresh_ticket(self):
        """A new ticket of the customer's, made through the worker with no
        failure (nginx would limit a credential's ticket requests)."""
        status, doc = self.send("POST", "/api/tickets", ticket_body())
        self.assertEqual(status, 201, doc)
        return doc["ticket"]

    def test_patch(self):
        current = {}

        def fresh(n):
            current["ticket"] = self.fresh_ticket()
            return "/api/tickets/" + current["ticket"]["number"]

        def body(n):
            return {"status": "in_progress", "priority": "high",
                    "category": "billing"}

        def rows(b):
            t = current["ticket"]
            row = psql_rows(
                "SELECT status, priority, category, (SELECT count(*) FROM"
                " ticket_entries e WHERE e.ticket_id = t.id AND e.type IN"
                " ('status_changed', 'priority_changed', 'category_changed'))"
                " FROM tickets t WHERE number = :'p1'",
                t["number"].split("-")[1])[0]
            if tuple(row) == ("in_progress", "high", "billing", "3"):
                return 1
            if tuple(row) == (t["status"], t["priority"], t["category"],
                              "0"):
                return 0
            return -1
        self.torture("patch", "PATCH", fresh, body, rows,
                     token=self.agent_token)

    def test_reopen(self):
        tag = "alloc-reopen-" + self.token[-10:]
        current = {}

        def fresh(n):
            number = self.fresh_ticket()["number"]
            status, doc = self.send("PATCH", "/api/tickets/" + number,
                                    {"status": "closed"})
            self.assertEqual(status, 200, doc)
            current["number"] = number
            return "/api/tickets/%s/reopen" % number

        def body(n):
            return {"body": "%s %d" % (tag, n)}

        def rows(b):
            row = psql_rows(
                "SELECT status, (SELECT count(*) FROM ticket_entries e"
                " WHERE e.ticket_id = t.id AND e.type = 'reopened'"
                " AND e.body = :'p2') FROM tickets t WHERE number = :'p1'",
                current["number"].split("-")[1], b["body"])[0]
            return {("open", "1"): 1, ("closed", "0"): 0}.get(tuple(row), -1)
        self.torture("reopen", "POST", fresh, body, rows)

    def test_multipart_create(self):
        tag = "alloc-mp-" + self.token[-10:]

        def body(n):
            return Multipart(
                {"subject": "%s %d" % (tag, n), "category": "technical",
                 "description": "The log of the failed export."},
                [("export-%d.log" % n, b"export stopped at row 40000\n")])

        def rows(b):
            row = psql_rows(
                "SELECT count(DISTINCT t.id), count(a.id), "
                " coalesce(sum(a.size), 0) FROM tickets t"
                " LEFT JOIN attachments a ON a.ticket_id = t.id"
                " WHERE t.subject = :'p1'", b.fields["subject"])[0]
            return {("1", "1", "28"): 1, ("0", "0", "0"): 0}.get(
                tuple(row), -1)
        self.torture("multipart create", "POST", "/api/tickets", body, rows)

    def test_upload(self):
        tag = "alloc-up-" + self.token[-10:]

        def body(n):
            return Multipart({}, [("%s-%d.txt" % (tag, n),
                                   b"first line\nsecond line\n")])

        def rows(b):
            return psql_int("SELECT count(*) FROM attachments"
                            " WHERE filename = :'p1'", b.files[0][0])
        self.torture("upload", "POST",
                     "/api/tickets/%s/attachments" % self.number, body,
                     rows, worker=self.files_worker)


if __name__ == "__main__":
    unittest.main()

