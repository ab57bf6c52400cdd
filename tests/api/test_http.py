"""Routes, methods, headers, JSON body rules and limits."""

import json
import socket
import unittest
import urllib.parse

from tixclient import (CSP, STATE_CHANGING, ApiTestCase, Client,
                       count_entries, count_tickets, create_ticket, login,
                       make_user, require_env, ticket_body, unique)

MIB = 1024 * 1024


def padded_ticket(total, description="padded body"):
    """A valid ticket JSON object of exactly total bytes."""
    head = json.dumps({"subject": "Padded " + unique("p"),
                       "description": description,
                       "category": "general"})[:-1].encode()
    tail = b"}"
    pad = total - len(head) - len(tail)
    assert pad >= 0
    body = head + b" " * pad + tail
    assert len(body) == total
    return body


class RoutingTest(ApiTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = make_user("customer")
        cls.admin = make_user("admin")
        cls.c = login(cls.customer)
        cls.a = login(cls.admin)

    def test_unknown_paths_404(self):
        for path in ("/api/nope", "/api/tickets/TICK-1001/nope",
                     "/api/auth", "/api/auth/login/extra", "/api/me/nope",
                     "/api/tickets%0a/extra", "/api/../api/nope",
                     "/api/TICKETS", "/api/users/1/../../nope"):
            for c in (Client(), self.c):
                with self.subTest(path=path, auth=c is self.c):
                    r = c.get(path)
                    self.assertError(r, 404, "not_found")
                    self.assertSecurityHeaders(r)

    def test_wrong_method_405(self):
        cases = [("DELETE", "/api/tickets"), ("PUT", "/api/tickets"),
                 ("GET", "/api/auth/login"), ("PUT", "/api/auth/login"),
                 ("GET", "/api/auth/logout"), ("POST", "/api/auth/me"),
                 ("DELETE", "/api/auth/me"), ("POST", "/api/health"),
                 ("PUT", "/api/me/tokens"), ("POST", "/api/users?role=agent"),
                 ("GET", "/api/tickets/TICK-1001/messages")]
        before = count_tickets(self.admin.email)
        for method, path in cases:
            with self.subTest(method=method, path=path):
                r = self.a.request(
                    method, path, {} if method in STATE_CHANGING else None)
                self.assertError(r, 405, "method_not_allowed")
                self.assertSecurityHeaders(r)
        r = self.a.request("PATCH", "/api/tickets", ticket_body())
        self.assertError(r, 405, "method_not_allowed")
        allow = {m.strip().upper() for m in
                 (r.headers.get("Allow") or "").split(",")}
        self.assertLessEqual({"GET", "POST"}, allow, r.headers.get("Allow"))
        self.assertNotIn("PATCH", allow)
        r = self.a.get("/api/auth/login")
        allow = {m.strip().upper() for m in
                 (r.headers.get("Allow") or "").split(",")}
        self.assertIn("POST", allow, r.headers.get("Allow"))
        self.assertNotIn("GET", allow)
        self.assertEqual(count_tickets(self.admin.email), before)

    def test_method_override_ignored(self):
        t = self.c.post("/api/tickets", ticket_body()).body["ticket"]
        path = "/api/tickets/" + t["number"]
        for h in ("X-HTTP-Method-Override", "X-HTTP-Method",
                  "X-Method-Override"):
            with self.subTest(header=h):
                r = self.a.get(path, headers={h: "DELETE"})
                self.assertIn(r.status, (200, 405), r)
                r = self.a.post("/api/auth/me", headers={h: "GET"})
                self.assertError(r, 405, "method_not_allowed")
        self.assertStatus(self.a.get(path), 200)
        self.assertStatus(self.c.get(path), 200)

    def test_nul_in_path_not_truncated(self):
        t = self.c.post("/api/tickets", ticket_body()).body["ticket"]
        for path in ("/api/tickets/%s%%00" % t["number"],
                     "/api/tickets/%s%%00x" % t["number"],
                     "/api/tickets/%s%%0a" % t["number"],
                     "/api/tickets/%s/" % t["number"]):
            with self.subTest(path=path):
                r = self.c.get(path)
                self.assertIn(r.status, (400, 404), r)
                self.assertError(r, r.status,
                                 "bad_request" if r.status == 400
                                 else "not_found")

    def test_query_string_rules(self):
        for q in ("status=open&status=closed", "status[]=open",
                  "status=open%00", "q=%C0%AF", "q=%ED%A0%80", "q=%FF",
                  "per_page=1%002", "page=1&page=2"):
            with self.subTest(query=q):
                r = self.c.get("/api/tickets?" + q)
                self.assertError(r, 400, "bad_request")

    def test_encoded_slash_is_no_path_separator(self):
        """nginx decodes %2F into "/" before routing; the worker refuses
        any path the client wrote with an encoded slash (security.md
        11), where the decoded one would have matched a route."""
        n = create_ticket(self.c)["number"]
        before = count_entries(n)
        for path in ("/api/tickets/%s%%2Fmessages" % n,
                     "/api/tickets/%s%%2fmessages" % n):
            with self.subTest(path=path):
                self.assertError(self.c.post(path, {"body": "sneaked in"}),
                                 404, "not_found")
        self.assertEqual(count_entries(n), before)
        self.assertError(self.c.get("/api/tickets%%2F%s" % n), 404,
                         "not_found")
        # In the query string it is only data.
        self.assertStatus(self.c.get("/api/tickets?q=a%2Fb"), 200)
        self.assertStatus(self.c.get("/api/tickets/" + n), 200)

    def test_huge_query_string(self):
        r = self.c.get("/api/tickets?" + "&".join(
            "p%d=1" % i for i in range(10000)))
        self.assertIn(r.status, (400, 414), r)
        r = self.c.get("/api/tickets?q=" + "a" * 6000)
        self.assertIn(r.status, (400, 414), r)
        self.assertStatus(self.c.get("/api/tickets"), 200)


class HeadersTest(ApiTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = make_user("customer")
        cls.c = login(cls.customer)

    def test_security_headers_everywhere(self):
        responses = [
            Client().get("/api/health"),
            Client().get("/api/auth/me"),
            Client().get("/api/nope"),
            Client().request("DELETE", "/api/tickets"),
            Client().post("/api/auth/login", {"email": "x@example.com",
                                              "password": "y"}),
            self.c.get("/api/tickets"),
            self.c.get("/api/auth/me"),
            self.c.post("/api/tickets", raw=b"x", content_type="text/plain"),
            self.c.post("/api/tickets", raw=b"{"),
            self.c.post("/api/tickets", ticket_body(category="nope")),
            self.c.post("/api/tickets", ticket_body(), csrf=None),
            self.c.get("/api/tickets/TICK-999999"),
            Client().get("/"),
        ]
        for r in responses:
            with self.subTest(response=r):
                self.assertSecurityHeaders(r)

    def test_json_content_type(self):
        r = self.c.get("/api/tickets")
        ctype = r.headers.get("Content-Type").lower().replace(" ", "")
        self.assertIn(ctype, ("application/json",
                              "application/json;charset=utf-8"))
        r = self.c.get("/api/nope")
        ctype = r.headers.get("Content-Type").lower().replace(" ", "")
        self.assertIn(ctype, ("application/json",
                              "application/json;charset=utf-8"))

    def test_no_server_internals_in_errors(self):
        for r in (self.c.post("/api/tickets", raw=b'{"subject": "x",'),
                  self.c.post("/api/tickets", raw=b"[" * 10000),
                  self.c.get("/api/tickets?sort=created_at;DROP%20TABLE%20x"),
                  self.c.get("/api/tickets?sort=(select%201)")):
            with self.subTest(response=r):
                self.assertEqual(r.status, 400, r)
                text = r.raw.decode("utf-8", "replace").lower()
                for word in ("json-c", "json_", "tokener", "postgres",
                             "sqlstate", "/work", ".c:", "libpq",
                             "syntax error"):
                    self.assertNotIn(word, text)


class JsonBodyTest(ApiTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = make_user("customer")
        cls.c = login(cls.customer)

    def post_raw(self, raw, **kw):
        return self.c.post("/api/tickets", raw=raw, **kw)

    def assertRejected(self, raw, status, code, **kw):
        before = count_tickets(self.customer.email)
        r = self.post_raw(raw, **kw)
        self.assertError(r, status, code)
        self.assertSecurityHeaders(r)
        self.assertEqual(count_tickets(self.customer.email), before)
        return r

    def test_content_type_required(self):
        body = json.dumps(ticket_body()).encode()
        for ctype in ("text/plain", None, "application/x-www-form-urlencoded",
                      "application/jsonx", "text/json",
                      "application/octet-stream"):
            with self.subTest(content_type=ctype):
                self.assertRejected(body, 415, "unsupported_media_type",
                                    content_type=ctype)

    def test_content_type_with_charset(self):
        for ctype in ("application/json; charset=utf-8",
                      "application/json;charset=UTF-8",
                      "Application/JSON"):
            with self.subTest(content_type=ctype):
                before = count_tickets(self.customer.email)
                r = self.post_raw(json.dumps(ticket_body()).encode(),
                                  content_type=ctype)
                self.assertStatus(r, 201)
                self.assertEqual(count_tickets(self.customer.email),
                                 before + 1)

    def test_body_exactly_one_mib_accepted(self):
        before = count_tickets(self.customer.email)
        r = self.post_raw(padded_ticket(MIB, "exactly one MiB"))
        self.assertStatus(r, 201)
        self.assertEqual(r.body["ticket"]["description"], "exactly one MiB")
        self.assertEqual(count_tickets(self.customer.email), before + 1)

    def test_body_one_byte_over_413(self):
        r = self.assertRejected(padded_ticket(MIB + 1), 413,
                                "body_too_large")

    def test_body_far_over_413(self):
        self.assertRejected(padded_ticket(8 * MIB), 413, "body_too_large")

    def test_malformed_json(self):
        for raw in (b"", b"{", b'{"subject": "x",', b"{'subject': 'x'}",
                    b'{"subject": "x"} x', b'{"subject": "x"}{}',
                    b"nul", b'{"subject": x}', b'{"a":1,}',
                    b'{"subject": "a\x01b"}'):
            with self.subTest(raw=raw):
                self.assertRejected(raw, 400, "bad_request")

    def test_not_an_object(self):
        for raw in (b"[]", b'[{"subject":"a"}]', b'"text"', b"42", b"null",
                    b"true"):
            with self.subTest(raw=raw):
                self.assertRejected(raw, 400, "bad_request")

    def test_duplicate_keys(self):
        b = ticket_body()
        raw = ('{"subject":"a","subject":"b","description":"%s",'
               '"category":"general"}' % b["description"]).encode()
        self.assertRejected(raw, 400, "bad_request")
        raw = ('{"subject":"a","description":"d","category":"general",'
               '"category":"billing"}').encode()
        self.assertRejected(raw, 400, "bad_request")
        raw = ('{"subject":"a","description":"d","category":"general",'
               '"x":{"k":1,"k":2}}').encode()
        self.assertRejected(raw, 400, "bad_request")

    def test_invalid_utf8(self):
        for bad in (b"\xff", b"\xc0\xaf", b"\xed\xa0\x80", b"\xe2\x82",
                    b"\xf8\x88\x80\x80\x80", b"\xf4\x90\x80\x80", b"\x80"):
            with self.subTest(bytes=bad):
                raw = (b'{"subject":"bad ' + bad +
                       b'","description":"d","category":"general"}')
                self.assertRejected(raw, 400, "bad_request")
                raw = (b'{"subject":"s","description":"bad ' + bad +
                       b'","category":"general"}')
                self.assertRejected(raw, 400, "bad_request")

    def test_nul_and_lone_surrogates(self):
        for esc in (r"a\u0000b", r"\ud800", r"x\ud800y", r"\udc00",
                    r"\ud800\u0041", r"\ude00\ud83d"):
            with self.subTest(escape=esc):
                raw = ('{"subject":"%s","description":"d",'
                       '"category":"general"}' % esc).encode()
                self.assertRejected(raw, 400, "bad_request")
                raw = ('{"subject":"s","description":"%s",'
                       '"category":"general"}' % esc).encode()
                self.assertRejected(raw, 400, "bad_request")

    def test_surrogate_pair_accepted(self):
        raw = (r'{"subject":"smile \ud83d\ude00","description":"d",'
               r'"category":"general"}').encode()
        r = self.post_raw(raw)
        self.assertStatus(r, 201)
        self.assertEqual(r.body["ticket"]["subject"], "smile \U0001F600")

    def test_deep_nesting(self):
        deep_array = b"[" * 10000 + b"]" * 10000
        self.assertRejected(deep_array, 400, "bad_request")
        deep_obj = b'{"a":' * 10000 + b"1" + b"}" * 10000
        self.assertRejected(deep_obj, 400, "bad_request")
        inner = (b'{"subject":"s","description":"d","category":"general",'
                 b'"extra":' + b"[" * 10000 + b"]" * 10000 + b"}")
        self.assertRejected(inner, 400, "bad_request")
        self.assertStatus(self.c.get("/api/health"), 200)

    def test_number_edge_cases(self):
        for v in ("1e999", "-1e999", "9223372036854775808", "1.5", "NaN",
                  "Infinity"):
            with self.subTest(value=v):
                raw = ('{"subject":"s","description":"d","category":"general",'
                       '"priority":%s}' % v).encode()
                self.assertRejected(raw, 400, "bad_request")

    def test_unknown_fields_ignored(self):
        other = make_user("customer")
        before = count_tickets(self.customer.email)
        body = ticket_body(status="closed", requester_id=other.id,
                           customer_id=other.id, is_internal=True,
                           number="TICK-1", assignee_id=other.id,
                           first_response_at="2020-01-01T00:00:00Z",
                           colour={"a": [1, 2, 3]})
        r = self.c.post("/api/tickets", body)
        t = self.assertJson(r, 201)["ticket"]
        self.assertEqual(t["status"], "open")
        self.assertEqual(t["requester"]["id"], self.customer.id)
        self.assertIsNone(t["assignee"])
        self.assertIsNone(t["first_response_at"])
        self.assertNotEqual(t["number"], "TICK-1")
        self.assertEqual(count_tickets(self.customer.email), before + 1)
        self.assertEqual(count_tickets(other.email), 0)



def raw_http(data, timeout=10):
    """Send bytes to nginx as they are; returns (status, headers as a
    dict of lower-case names, body)."""
    url = urllib.parse.urlsplit(require_env("TIX_TEST_BASE_URL"))
    with socket.create_connection((url.hostname, url.port), timeout) as s:
        s.sendall(data)
        got, headers, want = b"", None, None
        while want is None or len(got) < want:
            chunk = s.recv(65536)
            if not chunk:
                break
            got += chunk
            if headers is None and b"\r\n\r\n" in got:
                head = got.partition(b"\r\n\r\n")[0]
                lines = head.decode("latin-1").split("\r\n")
                headers = {}
                for line in lines[1:]:
                    name, _, value = line.partition(":")
                    headers[name.strip().lower()] = value.strip()
                # nginx may wait for a body it refused: stop at the end
                # of the answer rather than at the close.
                if "content-length" in headers:
                    want = len(head) + 4 + int(headers["content-length"])
    body = got.partition(b"\r\n\r\n")[2]
    return int(lines[0].split()[1]), headers, body


class NginxErrorPagesTest(ApiTestCase):
    """Every status nginx makes itself carries the contract's JSON error
    body and the security headers, never nginx's HTML page."""

    def assertJsonError(self, data, status, code):
        got, headers, body = raw_http(data)
        self.assertEqual(got, status, body[:200])
        self.assertTrue(headers.get("content-type", "").startswith(
            "application/json"), headers)
        err = json.loads(body)["error"]
        self.assertEqual(err["code"], code)
        self.assertIsInstance(err["message"], str)
        self.assertEqual(headers.get("content-security-policy"), CSP)
        self.assertEqual(headers.get("x-content-type-options"), "nosniff")
        self.assertNotIn(b"nginx", body)
        return err

    @staticmethod
    def req(line, *headers, body=b""):
        return (line + "\r\n" + "".join(h + "\r\n" for h in headers) +
                "Connection: close\r\n\r\n").encode() + body

    def test_400_malformed_request_line(self):
        self.assertJsonError(b"GARBAGE\r\n\r\n", 400, "bad_request")

    def test_400_bad_header(self):
        self.assertJsonError(self.req("GET /api/health HTTP/1.1",
                                      "Host: x", "Bad Header: x"),
                             400, "bad_request")

    def test_494_huge_header_is_a_json_400(self):
        err = self.assertJsonError(
            self.req("GET /api/health HTTP/1.1", "Host: x",
                     "X-Big: " + "a" * 9000), 400, "bad_request")
        self.assertIn("headers are too large", err["message"])
        err = self.assertJsonError(
            self.req("GET /api/health HTTP/1.1", "Host: x",
                     "Cookie: tix_session=" + "a" * 9000),
            400, "bad_request")

    def test_403_directory(self):
        self.assertJsonError(self.req("GET /js/ HTTP/1.1", "Host: x"),
                             403, "forbidden")

    def test_405_post_to_a_static_file(self):
        self.assertJsonError(self.req("POST /index.html HTTP/1.1",
                                      "Host: x", "Content-Length: 0"),
                             405, "method_not_allowed")

    def test_413_declared_too_large(self):
        self.assertJsonError(self.req(
            "POST /api/tickets HTTP/1.1", "Host: x",
            "Content-Type: application/json", "Content-Length: 60000000"),
            413, "body_too_large")

    def test_414_long_uri(self):
        self.assertJsonError(self.req("GET /api/tickets?q=" + "a" * 9000 +
                                      " HTTP/1.1", "Host: x"),
                             414, "bad_request")

    def test_416_range(self):
        self.assertJsonError(self.req("GET /index.html HTTP/1.1", "Host: x",
                                      "Range: bytes=99999999-"),
                             416, "bad_request")

    def test_501_transfer_coding(self):
        self.assertJsonError(self.req(
            "POST /api/tickets HTTP/1.1", "Host: x",
            "Transfer-Encoding: gzip", body=b"0\r\n\r\n"),
            501, "bad_request")

    def test_505_http_version(self):
        self.assertJsonError(self.req("GET /api/health HTTP/3.0",
                                      "Host: x"), 505, "bad_request")


if __name__ == "__main__":
    unittest.main()
