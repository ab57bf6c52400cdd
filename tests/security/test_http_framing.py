"""Bad inputs of the HTTP and FastCGI framing (security.md 1-13): the
requests no browser sends, written byte for byte to nginx's socket or
straight to a worker's FastCGI socket.  Each check says what the client
sees and counts the rows that must not have changed.

The rest of this class is in tests/api (docs/security.md names the
test of each item)."""

import os
import socket
import time
import unittest

import fcgiclient
from tixclient import (ApiTestCase, Client, count_tickets, login,
                       make_user, psql_int, require_env, ticket_body)


def raw_http(data, timeout=10):
    """Send data to nginx as it is; return the whole answer (bytes)."""
    c = Client()
    s = socket.create_connection((c.host, c.port), timeout=timeout)
    try:
        s.sendall(data)
        s.shutdown(socket.SHUT_WR)
        out = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                return out
            out += chunk
    finally:
        s.close()


def status_of(answer):
    line = answer.split(b"\r\n", 1)[0].split()
    return int(line[1]) if len(line) > 1 else None


class SmugglingTest(ApiTestCase):
    """13: Transfer-Encoding together with Content-Length."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = make_user("customer")
        cls.c = login(cls.customer)

    def request(self, headers, body):
        c = Client()
        cookie = "; ".join("%s=%s" % kv for kv in self.c.cookies.items())
        head = ["POST /api/tickets HTTP/1.1",
                "Host: %s:%d" % (c.host, c.port),
                "Content-Type: application/json",
                "Cookie: " + cookie,
                "X-CSRF-Token: " + self.c.csrf_token,
                "Connection: close"] + headers
        return raw_http(("\r\n".join(head) + "\r\n\r\n").encode() + body)

    def test_chunked_with_content_length_is_400_at_nginx(self):
        """A body framed two ways (the request-smuggling shape): nginx
        refuses it with the contract's JSON 400 before any worker reads
        it, and no ticket appears whichever framing a worker would have
        believed."""
        payload = ('{"subject":"smuggled","category":"general",'
                   '"description":"framed twice"}').encode()
        chunked = b"%x\r\n%s\r\n0\r\n\r\n" % (len(payload), payload)
        before = count_tickets(self.customer.email)
        for headers in (
                ["Transfer-Encoding: chunked",
                 "Content-Length: %d" % len(payload)],
                ["Content-Length: %d" % len(chunked),
                 "Transfer-Encoding: chunked"],
                ["Transfer-Encoding: chunked",
                 "Content-Length: 0"]):
            with self.subTest(headers=headers):
                answer = self.request(headers, chunked)
                self.assertEqual(status_of(answer), 400, answer[:300])
                self.assertIn(b'"code":"bad_request"', answer)
                self.assertNotIn(b"TICK-", answer)
        self.assertEqual(count_tickets(self.customer.email), before)

    def test_two_content_lengths_and_odd_codings(self):
        """Two Content-Length headers, and a transfer coding other than
        chunked: 400 or 501 from nginx, nothing written."""
        payload = ('{"subject":"twice","category":"general",'
                   '"description":"two lengths"}').encode()
        before = count_tickets(self.customer.email)
        for headers, statuses in (
                (["Content-Length: %d" % len(payload),
                  "Content-Length: %d" % (len(payload) - 5)], (400,)),
                (["Transfer-Encoding: gzip, chunked"], (400, 501)),
                (["Transfer-Encoding: identity",
                  "Content-Length: %d" % len(payload)], (400, 501))):
            with self.subTest(headers=headers):
                answer = self.request(headers, payload)
                self.assertIn(status_of(answer), statuses, answer[:300])
                self.assertIn(b'"error"', answer)
        self.assertEqual(count_tickets(self.customer.email), before)

    def test_plain_chunked_body_still_works(self):
        """The same ticket sent chunked alone is an ordinary request (so
        the 400 above is for the double framing, not for chunking)."""
        payload = ('{"subject":"chunked alone","category":"general",'
                   '"description":"one framing"}').encode()
        chunked = b"%x\r\n%s\r\n0\r\n\r\n" % (len(payload), payload)
        before = count_tickets(self.customer.email)
        answer = self.request(["Transfer-Encoding: chunked"], chunked)
        self.assertEqual(status_of(answer), 201, answer[:300])
        self.assertEqual(count_tickets(self.customer.email), before + 1)


class ManagementRecordTest(ApiTestCase):
    """3: a FastCGI peer other than nginx.  libfcgi 2.4.2 overflows a
    64-byte buffer when an FCGI_GET_VALUES record names a variable four
    times (found by tests/fuzz/fuzz_fcgi.c; docs/security.md): the stack
    protector ends the process it hits.  Only nginx may reach the socket
    (tests/api/test_process.py checks its mode and the TCP allowlist);
    this checks that the damage such a peer can do is one process, which
    the runner replaces, and no request of anyone else."""

    def test_get_values_overflow_costs_one_process(self):
        sock = require_env("TIX_TEST_TICKETS_SOCKET")
        pairs = b"".join(bytes([15, 0]) + b"FCGI_MPXS_CONNS"
                         for _ in range(8))
        for _ in range(3):
            s = fcgiclient.connect(sock)
            try:
                s.sendall(fcgiclient.record(9, pairs, request_id=0) +
                          fcgiclient.begin() +
                          fcgiclient.params_records(
                              {"REQUEST_METHOD": "GET",
                               "DOCUMENT_URI": "/api/health"}) +
                          fcgiclient.stdin_records(b""))
                fcgiclient.read_response(s)
            except OSError:
                pass
            finally:
                s.close()
        # The runner replaces what died; health answers again, through
        # nginx and straight from the socket, within a few seconds.
        deadline = time.monotonic() + 20
        while True:
            r = Client().get("/api/health")
            direct = fcgiclient.request(sock, "GET", "/api/health")
            if r.status == 200 and direct is not None and \
                    direct[0] == 200:
                break
            self.assertLess(time.monotonic(), deadline,
                            "workers did not come back: %r %r" %
                            (r, direct))
            time.sleep(0.2)
        c = login(make_user("customer"))
        before = psql_int("SELECT count(*) FROM tickets")
        self.assertStatus(c.post("/api/tickets", ticket_body()), 201)
        self.assertEqual(psql_int("SELECT count(*) FROM tickets"),
                         before + 1)


if __name__ == "__main__":
    unittest.main()
