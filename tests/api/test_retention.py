"""Retention: tix-scheduler deletes sent notices, expired sessions,
failed logins and inbound mail kept for review once they are older than
their TIX_RETENTION_*_DAYS, and nothing younger, nothing still needed
(queued or failed notices, live sessions); 0 keeps for ever."""
import unittest

from tixclient import (cast, create_ticket, login, psql, psql_int, ticket_int,
                       unique)
from tixflow import FlowCase, run_scheduler

SETTINGS = {"TIX_RETENTION_OUTBOX_DAYS": "30",
            "TIX_RETENTION_SESSION_DAYS": "7",
            "TIX_RETENTION_LOGIN_DAYS": "30",
            "TIX_RETENTION_REVIEW_DAYS": "90",
            "TIX_SESSION_IDLE_MINUTES": "60"}


class RetentionTest(FlowCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cast(cls)

    def run_once(self, **env):
        p = run_scheduler("--once", env=dict(SETTINGS, **env))
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        return p.stdout + p.stderr

    def outbox_rows(self):
        """Four notices of one new ticket: sent 31 days ago, sent 29 days
        ago, failed 90 days ago, queued 90 days ago."""
        n = create_ticket(self.c)["number"]
        t = ticket_int(n)
        psql("INSERT INTO outbox (ticket_id, ticket_number, recipient_id,"
             " recipient, kind, subject, body, status,"
             " created_at, sent_at)"
             " SELECT t.id, t.number, t.requester_id, 'r@example.com',"
             " 'status', 'retention ' || v.tag, 'body',"
             " v.st::outbox_status,"
             " now() - v.age::interval,"
             " CASE WHEN v.st = 'sent' THEN now() - v.age::interval END"
             " FROM tickets t, (VALUES ('old-sent', 'sent', '31 days'),"
             " ('new-sent', 'sent', '29 days'),"
             " ('old-failed', 'failed', '90 days'),"
             " ('old-queued', 'queued', '90 days')) v(tag, st, age)"
             " WHERE t.number = :'p1'", t)
        return t

    def outbox_left(self, t):
        return psql("SELECT string_agg(substr(o.subject, 11), ',' ORDER BY"
                    " o.subject) FROM outbox o JOIN tickets k ON"
                    " k.id = o.ticket_id WHERE k.number = :'p1'"
                    " AND o.subject LIKE 'retention %'", t)

    def has_session(self, client):
        return psql_int("SELECT count(*) FROM sessions WHERE token_hash ="
                        " sha256(convert_to(:'p1', 'UTF8'))",
                        client.session_cookie) == 1

    def test_prunes_what_is_past_retention_only(self):
        t = self.outbox_rows()
        # Sessions: one idle past expiry + 7 days, one expired 6 days ago,
        # one in use.
        old_s, young_s, live_s = login(self.cust), login(self.cust), \
            login(self.cust)
        for client, age in ((old_s, "7 days 2 hours"),
                            (young_s, "6 days")):
            psql("UPDATE sessions SET last_seen_at = now() - :'p2'::interval"
                 " WHERE token_hash = sha256(convert_to(:'p1', 'UTF8'))",
                 client.session_cookie, age)
        email = unique("gone") + "@example.com"
        psql("INSERT INTO login_failures (email, failed_at) VALUES"
             " (:'p1', now() - interval '31 days'),"
             " (:'p1', now() - interval '29 days')", email)
        subject = unique("review")
        psql("INSERT INTO inbound_review (subject, body_excerpt, body,"
             " reason, created_at) VALUES (:'p1', 'x', 'x', 'test', now() -"
             " interval '91 days'), (:'p1' || '-young', 'x', 'x', 'test',"
             " now() - interval '89 days')", subject)

        log = self.run_once()

        self.assertEqual(self.outbox_left(t), "new-sent,old-failed,old-queued")
        self.assertEqual([self.has_session(x) for x in (old_s, young_s,
                                                        live_s)],
                         [False, True, True])
        self.assertEqual(young_s.get("/api/auth/me").status, 401)  # expired
        self.assertEqual(live_s.get("/api/auth/me").status, 200)
        self.assertEqual(old_s.get("/api/auth/me").status, 401)
        self.assertEqual(psql_int("SELECT count(*) FROM login_failures"
                                  " WHERE email = :'p1'", email), 1)
        self.assertEqual(psql("SELECT string_agg(subject, ',') FROM"
                              " inbound_review WHERE subject LIKE"
                              " :'p1' || '%'", subject), subject + "-young")
        self.assertIn("retention: removed", log)

    def test_zero_keeps_for_ever(self):
        t = self.outbox_rows()
        self.run_once(TIX_RETENTION_OUTBOX_DAYS="0")
        self.assertEqual(self.outbox_left(t),
                         "new-sent,old-failed,old-queued,old-sent")
        self.run_once()
        self.assertEqual(self.outbox_left(t), "new-sent,old-failed,old-queued")

    def test_bad_setting_refuses_to_start(self):
        p = run_scheduler("--once", env={"TIX_RETENTION_LOGIN_DAYS": "-1"})
        self.assertEqual(p.returncode, 2, p.stdout + p.stderr)
        self.assertIn("TIX_RETENTION_LOGIN_DAYS", p.stderr)


if __name__ == "__main__":
    unittest.main()
