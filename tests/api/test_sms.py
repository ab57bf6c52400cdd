"""SMS end to end: requests queue SMS rows in the outbox for requesters
who opted in, tix-notify --once POSTs them to a real HTTP server started
here on a free loopback port (the gateway), which keeps every form it
gets; the tests read what the user's phone would get.

As in test_notify, rows other files queued are moved out of reach first,
so a pass here sends only what this file causes.
"""

import base64
import http.server
import os
import subprocess
import tempfile
import threading
import unittest
import urllib.parse

from tixclient import (ApiTestCase, create_ticket, login, make_user, psql,
                       psql_int, require_env, ticket_int)
from tixflow import tpath

FROM = "+15550001111"


def setUpModule():
    require_env("TIX_DATABASE_URL")
    psql("UPDATE outbox SET next_attempt_at = 'infinity'"
         " WHERE status = 'queued'")


class Gateway:
    """An HTTP server that keeps every POST and answers each with the
    next status of `answers` (200 when none is left)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.got = []           # dicts: path, type, auth, form
        self.answers = []
        gw = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                n = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(n).decode()
                with gw.lock:
                    gw.got.append({
                        "path": self.path,
                        "type": self.headers.get("Content-Type"),
                        "auth": self.headers.get("Authorization"),
                        "form": urllib.parse.parse_qs(
                            body, keep_blank_values=True,
                            strict_parsing=True)})
                    code = gw.answers.pop(0) if gw.answers else 200
                self.send_response(code)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                                      Handler)
        self.url = "http://127.0.0.1:%d/2010-04-01/Messages" % \
            self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever,
                         daemon=True).start()

    def to(self, number):
        with self.lock:
            return [g for g in self.got if g["form"]["To"] == [number]]

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


class SmsTest(ApiTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.gw = Gateway()
        cls.tmp = tempfile.mkdtemp(prefix="tix-sms-")
        cls.pwfile = os.path.join(cls.tmp, "sms-password")
        with open(cls.pwfile, "w") as f:
            f.write("gateway-secret\n")
        cls.agent = make_user("agent", name="Ann Agent")
        cls.a = login(cls.agent)

    @classmethod
    def tearDownClass(cls):
        cls.gw.stop()
        super().tearDownClass()

    def customer(self, opted_in, number):
        user = make_user("customer")
        c = login(user)
        prefs = {"email_on_reply": True, "email_on_status": True,
                 "email_on_assigned": True, "sms_number": number,
                 "sms_enabled": opted_in}
        self.assertStatus(c.put("/api/me/preferences", prefs), 200)
        return user, c

    def notify(self, *extra):
        env = dict(os.environ)
        env.update({"TIX_SMS_URL": self.gw.url, "TIX_SMS_USER": "tix",
                    "TIX_SMS_PASSWORD_FILE": self.pwfile,
                    "TIX_SMS_FROM": FROM,
                    "TIX_MAIL_DIR": os.path.join(self.tmp, "mail")})
        env.pop("TIX_SMTP_URL", None)
        return subprocess.Popen(["tix-notify", "--once"] + list(extra),
                                env=env, stderr=subprocess.PIPE)

    def run_notify(self):
        p = self.notify()
        _, err = p.communicate(timeout=120)
        self.assertEqual(p.returncode, 0, err.decode())

    def test_reply_and_resolution_once_each(self):
        number = "+4915112345678"
        user, c = self.customer(True, number)
        t = create_ticket(c, subject="Key ABCDE-FGHIJ-KLMNO-12345 fails")
        n = t["number"]
        r = self.a.post(tpath(n, "/messages"),
                        {"body": "Try key ZZZZZ-YYYYY-XXXXX-99999 instead"})
        self.assertStatus(r, 201)
        r = self.a.post(tpath(n, "/messages"),
                        {"body": "internal: customer is grumpy",
                         "internal": True})
        self.assertStatus(r, 201)
        self.assertStatus(self.a.patch(tpath(n), {"status": "resolved"}),
                          200)
        self.run_notify()
        got = self.gw.to(number)
        self.assertEqual(len(got), 2, got)
        link = "%s/customer/tickets/%s" % (
            require_env("TIX_PUBLIC_BASE_URL").rstrip("/"), n)
        self.assertEqual(got[0]["form"], {
            "To": [number], "From": [FROM],
            "Body": ["%s: Ann Agent replied. Read it: %s" % (n, link)]})
        self.assertEqual(got[1]["form"]["Body"],
                         ["%s is resolved. Not solved? Reply here: %s"
                          % (n, link)])
        for g in got:
            self.assertEqual(g["path"], "/2010-04-01/Messages")
            self.assertEqual(g["type"], "application/x-www-form-urlencoded")
            self.assertEqual(g["auth"], "Basic " + base64.b64encode(
                b"tix:gateway-secret").decode())
            self.assertLessEqual(len(g["form"]["Body"][0]), 160)
        # Sent rows; a second pass sends nothing more.
        self.assertEqual(psql_int(
            "SELECT count(*) FROM outbox WHERE ticket_number = :'p1'"
            " AND channel = 'sms' AND status = 'sent'", ticket_int(n)), 2)
        self.run_notify()
        self.assertEqual(len(self.gw.to(number)), 2)

    def test_not_opted_in_gets_none(self):
        number = "+4915187654321"
        user, c = self.customer(False, number)
        n = create_ticket(c)["number"]
        self.assertStatus(self.a.post(tpath(n, "/messages"),
                                      {"body": "Hello"}), 201)
        self.assertStatus(self.a.patch(tpath(n), {"status": "resolved"}),
                          200)
        self.run_notify()
        self.assertEqual(self.gw.to(number), [])
        self.assertEqual(psql_int(
            "SELECT count(*) FROM outbox WHERE ticket_number = :'p1'"
            " AND channel = 'sms'", ticket_int(n)), 0)
        # The customer's own reply sends no SMS either.
        user2, c2 = self.customer(True, "+4915100000001")
        n2 = create_ticket(c2)["number"]
        self.assertStatus(c2.post(tpath(n2, "/messages"),
                                  {"body": "More"}), 201)
        self.run_notify()
        self.assertEqual(self.gw.to("+4915100000001"), [])

    def test_gateway_error_retried_exactly_once(self):
        number = "+4915199999999"
        user, c = self.customer(True, number)
        n = create_ticket(c)["number"]
        self.gw.answers = [500]
        self.assertStatus(self.a.post(tpath(n, "/messages"),
                                      {"body": "Answer"}), 201)
        self.run_notify()
        self.assertEqual(len(self.gw.to(number)), 1)
        row = psql("SELECT status || ' ' || attempts || ' ' ||"
                   " (next_attempt_at > now()) || ' ' || last_error"
                   " FROM outbox WHERE ticket_number = :'p1'"
                   " AND channel = 'sms'", ticket_int(n))
        self.assertEqual(row, "queued 1 true the SMS gateway answered "
                         "HTTP 500")
        psql("UPDATE outbox SET next_attempt_at = now()"
             " WHERE ticket_number = :'p1' AND status = 'queued'",
             ticket_int(n))
        self.run_notify()
        self.run_notify()
        got = self.gw.to(number)
        self.assertEqual(len(got), 2)       # the 500, then the 200
        self.assertEqual(got[0]["form"], got[1]["form"])
        self.assertEqual(psql(
            "SELECT status || ' ' || attempts FROM outbox"
            " WHERE ticket_number = :'p1' AND channel = 'sms'",
            ticket_int(n)), "sent 2")

    def test_two_senders_no_duplicates(self):
        number = "+4915122222222"
        user, c = self.customer(True, number)
        for i in range(6):
            n = create_ticket(c)["number"]
            self.assertStatus(self.a.post(tpath(n, "/messages"),
                                          {"body": "Answer %d" % i}), 201)
        ps = [self.notify(), self.notify()]
        for p in ps:
            _, err = p.communicate(timeout=120)
            self.assertEqual(p.returncode, 0, err.decode())
        bodies = [g["form"]["Body"][0] for g in self.gw.to(number)]
        self.assertEqual(len(bodies), 6)
        self.assertEqual(len(set(bodies)), 6)


if __name__ == "__main__":
    unittest.main()
