"""Outbound URLs (security.md 73).  The only URL Tix connects to is the
operator's TIX_SMTP_URL (tix-notify; no user sets a URL, and nothing is
fetched on a user's behalf: 74).  It must name an SMTP server: a URL of
any other scheme, or without a host, stops tix-notify at start with a
clear message before it reads or sends anything; libcurl is held to
smtp and smtps besides (lib/mail/send.c).  Loopback and private
addresses stay allowed: the operator's own MTA on 127.0.0.1:25 is the
usual set-up (docs/security.md)."""

import os
import subprocess
import unittest

from test_notify import Sink, run_notify
from tixclient import (ApiTestCase, create_ticket, login, make_user,
                       psql, psql_rows, ticket_int)

BAD = ("http://127.0.0.1:5432/", "http://[::1]/",
       "http://169.254.169.254/latest/meta-data/", "https://example.com/",
       "file:///etc/passwd", "gopher://127.0.0.1:25/_HELO",
       "dict://127.0.0.1:11211/stat", "ftp://127.0.0.1/", "ldap://x/",
       "smtp://", "smtp:///var/spool", "smtp://:25", "smtps://user@",
       "127.0.0.1:25", "mailto:root@localhost", " smtp://127.0.0.1")


class SmtpUrlTest(ApiTestCase):

    def outbox_of(self, number):
        return psql_rows("SELECT id, status, attempts FROM outbox WHERE"
                         " ticket_number = :'p1' ORDER BY id",
                         ticket_int(number))

    def test_other_schemes_refused_at_start(self):
        psql("UPDATE outbox SET next_attempt_at = 'infinity'"
             " WHERE status = 'queued'")
        n = create_ticket(login(make_user("customer")))["number"]
        before = self.outbox_of(n)
        self.assertTrue(before)
        for url in BAD:
            with self.subTest(url=url):
                p = run_notify(url, check=False)
                self.assertNotEqual(p.returncode, 0, p)
                self.assertIn("TIX_SMTP_URL", p.stderr)
                self.assertEqual(self.outbox_of(n), before)
        # The same queue goes out to a real SMTP server on loopback.
        sink = Sink().start()
        try:
            run_notify(sink.url)
        finally:
            sink.stop()
        self.assertTrue(all(row[1] == "sent" for row in self.outbox_of(n)))
        self.assertTrue(sink.received)

    def test_workers_refuse_it_too(self):
        """Every program reads the settings the same way: a worker given
        such a URL does not start either."""
        env = dict(os.environ, TIX_SMTP_URL="file:///etc/passwd")
        p = subprocess.run(["tix-scheduler", "--once"], env=env,
                           capture_output=True, text=True, timeout=60)
        self.assertNotEqual(p.returncode, 0)
        self.assertIn("TIX_SMTP_URL", p.stderr)


if __name__ == "__main__":
    unittest.main()
