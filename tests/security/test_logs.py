"""Logs and errors (security.md 75, 76): user data in a log is escaped
(a newline cannot start a forged line) and never a format string; an
error tells the client nothing of the inside.

76's dependency failures are tests/api/test_zz_database_down.py's and
test_faults.py's (503 unavailable, a generic message and the request
id); parser and SQL detail never in a body is test_http.py's
test_no_server_internals_in_errors."""

import glob
import os
import unittest
import urllib.parse

from tixclient import ApiTestCase, Client, create_ticket, login, make_user

FORGED = "2026-01-01 INFO admin logged in"
FORMAT = "%s%n%x%p%99999999d"


class LogInjectionTest(ApiTestCase):

    def logs(self):
        out = {}
        for path in glob.glob(os.path.join(
                os.environ["TIX_TEST_LOG_DIR"], "*.log")):
            with open(path, "rb") as f:
                out[path] = f.read()
        return out

    def test_forged_lines_and_format_strings(self):
        user = make_user("customer")
        c = login(user)
        hostile = ["\n" + FORGED, "\r\n" + FORGED, FORMAT,
                   "\x1b[2J" + FORGED]
        answers = []
        for h in hostile:
            answers += [
                Client().post("/api/auth/login",
                              {"email": "x%s@example.com" % h,
                               "password": h}),
                Client().post("/api/auth/password-reset", {"email": h}),
                c.get("/api/tickets", query={"q": h}),
                c.get("/api/tickets", query={"sort": h}),
                c.post("/api/tickets", {"subject": h, "category": "general",
                                        "description": h}),
                c.get("/api/nope/" + urllib.parse.quote(h, safe="")),
                c.get("/api/tickets/" + urllib.parse.quote(h, safe="")),
            ]
        for r in answers:
            self.assertLess(r.status, 500, r)
        # A subject that is a format string is stored as it is.
        n = create_ticket(c, subject=FORMAT)["number"]
        self.assertEqual(c.get("/api/tickets/" + n).body["ticket"]
                         ["subject"], FORMAT)
        for path, data in self.logs().items():
            with self.subTest(log=os.path.basename(path)):
                for line in data.split(b"\n"):
                    self.assertFalse(
                        line.lstrip(b"\r\x1b[2J").startswith(
                            FORGED.encode()),
                        "forged line in %s: %r" % (path, line))
                self.assertNotIn(b"\x1b[2J", data)
        # Every worker still answers.
        self.assertStatus(Client().get("/api/health"), 200)
        self.assertStatus(c.get("/api/tickets/" + n), 200)


if __name__ == "__main__":
    unittest.main()
