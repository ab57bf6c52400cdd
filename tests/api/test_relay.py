"""An SMTP relay with a login: with user:password in an smtp:// URL to
another machine, tix-notify requires STARTTLS, so a relay that does not
offer it (aiosmtpd here, on a non-loopback address of this machine,
without TLS) never sees the password or a message; the rows wait for a
retry.
"""

import unittest

from dovecot import global_address
from test_notify import Sink, run_notify
from tixclient import (ApiTestCase, create_ticket, login, make_user, psql,
                       require_env, ticket_int)


def setUpModule():
    require_env("TIX_DATABASE_URL")
    psql("UPDATE outbox SET next_attempt_at = 'infinity'"
         " WHERE status = 'queued'")


class PlainRelayTest(ApiTestCase):

    def test_password_never_in_clear(self):
        addr = global_address()
        if addr is None:
            self.skipTest("no address but loopback")
        sink = Sink()
        sink.controller.hostname = addr
        sink.start()
        try:
            cust = make_user("customer")
            n = create_ticket(login(cust))["number"]
            url = "smtp://tix:relay-secret@%s:%d" % (addr, sink.port)
            p = run_notify(url)
            self.assertIn("SSL", p.stderr)
            self.assertEqual(sink.mails(), [])
            got = psql("SELECT string_agg(DISTINCT status || ' ' ||"
                       " (last_error LIKE '%SSL%'), ',') FROM outbox"
                       " WHERE ticket_number = :'p1'", ticket_int(n))
            self.assertEqual(got, "queued true")
        finally:
            sink.stop()


if __name__ == "__main__":
    unittest.main()
