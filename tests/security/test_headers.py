"""Request headers a client may forge (security.md 8-10): a Proxy header
(httpoxy), identity headers, and X-Forwarded-For.  What each may never
do: reach a worker as a variable a library would read, pick the
identity, or pick the client address that rate limits and logs use.

Identity headers (9) are tests/api/test_auth.py's
test_identity_headers_ignored; X-Forwarded-For in the login throttle is
its test_forwarded_for_counts_only_from_trusted_proxies (the proxy in
front of nginx is trusted there, 127.0.0.9 in scripts/test)."""

import os
import socket
import threading
import unittest
import uuid

from test_notify import Sink, run_notify
from tixclient import (ApiTestCase, Client, create_ticket, login,
                       make_user, psql, psql_int, psql_rows, require_env,
                       ticket_int)


def fresh_address():
    """A loopback address of its own (127.0.0.0/8 all reaches nginx)."""
    b = uuid.uuid4().bytes
    return "127.%d.%d.%d" % (100 + b[0] % 100, b[1], 1 + b[2] % 250)


class ProxyHeaderTest(ApiTestCase):
    """8: Proxy: http://attacker."""

    def test_nginx_blanks_http_proxy(self):
        """The nginx configuration the stack runs sets HTTP_PROXY to the
        empty string for every worker, so a client's Proxy header never
        becomes the variable curl and others read; and no worker uses
        fcgi_stdio.h, which would put request parameters into environ
        (tools/checksrc.sh refuses it)."""
        conf = os.path.join(require_env("TIX_TEST_STATE_DIR"), "nginx",
                            "nginx.conf")
        with open(conf) as f:
            lines = [ln.split("#")[0].split() for ln in f]
        self.assertIn(["fastcgi_param", "HTTP_PROXY", '"";'], lines)
        root = os.path.join(os.path.dirname(__file__), "..", "..")
        for d in ("lib", "fcgi", "tools"):
            for dirpath, _, files in os.walk(os.path.join(root, d)):
                for name in files:
                    if not name.endswith((".c", ".h")):
                        continue
                    with open(os.path.join(dirpath, name)) as f:
                        text = f.read()
                    self.assertNotRegex(
                        text, r"#\s*include\s*[<\"]fcgi_stdio\.h", name)

    def test_proxy_header_changes_nothing(self):
        c = login(make_user("customer"))
        n = create_ticket(c)["number"]
        plain = c.get("/api/tickets/" + n)
        proxied = c.get("/api/tickets/" + n,
                        headers={"Proxy": "http://127.0.0.1:9/"})
        self.assertStatus(proxied, 200)
        self.assertEqual(proxied.body["ticket"], plain.body["ticket"])

    def test_mailer_ignores_proxy_variables(self):
        """tix-notify started with every proxy variable pointing at a
        listener of ours: the mail reaches the SMTP server directly and
        the listener sees no connection."""
        psql("UPDATE outbox SET next_attempt_at = 'infinity'"
             " WHERE status = 'queued'")
        trap = socket.socket()
        trap.bind(("127.0.0.1", 0))
        trap.listen(8)
        trap.settimeout(0.2)
        hits = []
        stop = threading.Event()

        def watch():
            while not stop.is_set():
                try:
                    conn, _ = trap.accept()
                except socket.timeout:
                    continue
                hits.append(1)
                conn.close()
        t = threading.Thread(target=watch, daemon=True)
        t.start()
        sink = Sink().start()
        proxy = "http://127.0.0.1:%d" % trap.getsockname()[1]
        saved = {}
        names = ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY",
                 "HTTPS_PROXY", "ALL_PROXY", "smtp_proxy", "SMTP_PROXY")
        try:
            user = make_user("customer")
            n = create_ticket(login(user))["number"]
            for k in names:
                saved[k] = os.environ.get(k)
                os.environ[k] = proxy
            os.environ.pop("no_proxy", None)
            os.environ.pop("NO_PROXY", None)
            run_notify(sink.url)
        finally:
            for k in names:
                if saved.get(k) is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = saved[k]
            sink.stop()
            stop.set()
            t.join(5)
            trap.close()
        self.assertEqual(hits, [], "the mailer connected to the proxy")
        self.assertTrue(sink.mails(to=user.email, number=n),
                        "the notice did not reach the SMTP server")
        self.assertEqual(psql_int(
            "SELECT count(*) FROM outbox WHERE ticket_number = :'p1'"
            " AND status = 'sent'", ticket_int(n)) > 0, True)


class ForwardedForTest(ApiTestCase):
    """10: a forged X-Forwarded-For from a client that is no trusted
    proxy: rate limits, the security log and nginx's access log all
    name the peer that connected."""

    def test_forged_forwarded_for_is_not_the_address(self):
        user = make_user("customer")
        real = fresh_address()
        forged = "198.51.100.%d" % (1 + uuid.uuid4().bytes[0] % 250)
        marker = "xff-" + uuid.uuid4().hex[:10]
        r = Client(source=real).post(
            "/api/auth/login", {"email": user.email, "password": "nope"},
            headers={"X-Forwarded-For": forged,
                     "X-Real-IP": forged, "User-Agent": marker})
        self.assertError(r, 401, "invalid_credentials")
        rid = r.headers.get("X-Request-Id")
        # The throttle counted the real peer ...
        self.assertEqual(psql_int(
            "SELECT count(*) FROM login_failures WHERE address = :'p1'",
            real), 1)
        self.assertEqual(psql_int(
            "SELECT count(*) FROM login_failures WHERE address = :'p1'",
            forged), 0)
        # ... the security log names it ...
        self.assertEqual(psql_rows(
            "SELECT address FROM security_events WHERE email = :'p1'"
            " AND kind = 'login'", user.email.lower()), [[real]])
        # ... and so does nginx's access log, the forged value nowhere.
        log = os.path.join(require_env("TIX_TEST_LOG_DIR"), "access.log")
        with open(log, errors="replace") as f:
            lines = [ln for ln in f if marker in ln]
        self.assertEqual(len(lines), 1, lines)
        self.assertTrue(lines[0].startswith(real + " "), lines[0])
        self.assertIn(rid, lines[0])
        self.assertNotIn(forged, lines[0])


if __name__ == "__main__":
    unittest.main()
