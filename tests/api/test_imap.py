"""Mail in from a mailbox: tix-mailin --imap against a real Dovecot
(tests/api/dovecot.py, on loopback), checked through the HTTP API as
users see it and through the mailbox's flags as its owner sees them.
"""

import os
import signal
import subprocess
import time
import unittest

from dovecot import Dovecot, global_address
from test_mailin import SUPPORT, inbound, message, msgid_of, new_id
from tixclient import (ApiTestCase, count_entries, create_ticket, login,
                       make_user, psql_int, require_env)
from tixflow import install_poison, poison, remove_poison, table_locked


def setUpModule():
    require_env("TIX_DATABASE_URL")


class ImapCase(ApiTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dove = Dovecot().start()
        cls.cust = make_user("customer")
        cls.c = login(cls.cust)

    @classmethod
    def tearDownClass(cls):
        cls.dove.cleanup()
        super().tearDownClass()

    def env(self, extra=None):
        env = dict(os.environ)
        env["TIX_SUPPORT_ADDRESS"] = SUPPORT
        env.update(self.dove.env())
        env.update(extra or {})
        return env

    def once(self, extra=None, status=0):
        p = subprocess.run(["tix-mailin", "--imap", self.dove.url,
                            "--once"], capture_output=True,
                           env=self.env(extra), timeout=120)
        self.assertEqual(p.returncode, status, p.stderr.decode())
        return p.stderr.decode()

    def ticket_of(self, raw):
        """The customer's view of the ticket a mail opened."""
        got = inbound(msgid_of(raw))
        self.assertIsNotNone(got, "the mail was not taken")
        self.assertEqual(got[0], "ticket")
        r = self.c.get("/api/tickets/TICK-%s" % got[1])
        self.assertStatus(r, 200)
        return r.body["ticket"]

    def count_subject(self, subject):
        return psql_int("SELECT count(*) FROM tickets WHERE subject = :'p1'",
                        subject)

    def assertFlags(self, raw, flags):
        self.assertEqual(self.dove.flags()[msgid_of(raw)], set(flags))


class IntakeTest(ImapCase):

    def test_taken_once_then_seen(self):
        new = message(self.cust.email, "Mailbox: new ticket %s" % new_id(),
                      "The screen stays black.")
        self.dove.save(new)
        stranger = message("stranger-%s@example.org" % new_id()[:8],
                           "Who reads this", "Hello?")
        self.dove.save(stranger)
        self.assertFlags(new, [])
        self.once()
        t = self.ticket_of(new)
        self.assertEqual(t["description"], "The screen stays black.")
        self.assertEqual(t["timeline"][0]["via"], "email")
        self.assertEqual(inbound(msgid_of(stranger))[0], "review")
        self.assertFlags(new, [r"\Seen"])
        self.assertFlags(stranger, [r"\Seen"])
        # A reply on it, by its number, in a second pass; the first
        # message is not taken again.
        reply = message(self.cust.email, "Re: [%s] screen" % t["number"],
                        "Now it is blue.")
        self.dove.save(reply)
        self.once()
        self.assertEqual(self.count_subject(t["subject"]), 1)
        r = self.c.get("/api/tickets/%s" % t["number"])
        bodies = [e["body"] for e in r.body["ticket"]["timeline"]
                  if e["type"] == "message"]
        self.assertEqual(bodies, ["Now it is blue."])
        self.assertFlags(reply, [r"\Seen"])
        # Unflagged by hand (a person read it as unread): the same
        # Message-ID is not taken twice.
        subprocess.run(["doveadm", "-c", self.dove.conf, "flags", "remove",
                        "-u", self.dove.user, r"\Seen", "mailbox", "INBOX",
                        "ALL"], check=True, capture_output=True, timeout=30)
        self.once()
        self.assertEqual(self.count_subject(t["subject"]), 1)
        r = self.c.get("/api/tickets/%s" % t["number"])
        self.assertEqual(len([e for e in r.body["ticket"]["timeline"]
                              if e["type"] == "message"]), 1)
        self.assertFlags(new, [r"\Seen"])

    def test_seen_only_after_commit(self):
        raw = message(self.cust.email, "Locked out %s" % new_id(),
                      "Waiting for the database.")
        self.dove.save(raw)
        # The database unreachable: nothing recorded, the message stays
        # unseen for the next pass.
        self.once({"TIX_DATABASE_URL": "host=127.0.0.1 port=1"})
        self.assertIsNone(inbound(msgid_of(raw)))
        self.assertFlags(raw, [])
        # The transaction waits for a lock: still unseen meanwhile;
        # seen once it committed.
        with table_locked("inbound_messages"):
            p = subprocess.Popen(["tix-mailin", "--imap", self.dove.url,
                                  "--once"], env=self.env(),
                                 stderr=subprocess.PIPE)
            time.sleep(1.5)
            self.assertIsNone(p.poll())
            self.assertFlags(raw, [])
        self.assertEqual(p.wait(timeout=60), 0, p.stderr.read().decode())
        p.stderr.close()
        self.assertEqual(self.ticket_of(raw)["description"],
                         "Waiting for the database.")
        self.assertFlags(raw, [r"\Seen"])

    def test_failures_in_a_batch_do_not_stop_the_rest(self):
        first = message(self.cust.email, "Batch one %s" % new_id(), "one")
        big_subject = "Batch big %s" % new_id()
        big = message(self.cust.email, big_subject, "x" * 6000)
        junk = b"this is not a message at all\n"
        last = message(self.cust.email, "Batch last %s" % new_id(), "last")
        for raw in (first, big, junk, last):
            self.dove.save(raw)
        self.once({"TIX_MAX_MAIL_BYTES": "4096"})
        self.assertEqual(self.ticket_of(first)["description"], "one")
        self.assertEqual(self.ticket_of(last)["description"], "last")
        self.assertIsNone(inbound(msgid_of(big)))
        self.assertEqual(self.count_subject(big_subject), 0)
        flags = self.dove.flags()
        self.assertEqual(flags[msgid_of(big)], {r"\Seen", r"\Flagged"})
        self.assertEqual(flags[msgid_of(first)], {r"\Seen"})
        # The refused ones are not looked at again.
        err = self.once({"TIX_MAX_MAIL_BYTES": "4096"})
        self.assertNotIn("refused", err)

    def test_database_fault_in_a_batch(self):
        # A reply whose transaction fails in the database (a trigger
        # raises on its ticket) between two good messages.
        install_poison()
        self.addCleanup(remove_poison)
        number = create_ticket(self.c)["number"]
        poison(number)
        first = message(self.cust.email, "Fault one %s" % new_id(), "one")
        bad = message(self.cust.email, "Re: [%s] more" % number, "more")
        last = message(self.cust.email, "Fault last %s" % new_id(), "last")
        for raw in (first, bad, last):
            self.dove.save(raw)
        self.once()
        self.assertEqual(self.ticket_of(first)["description"], "one")
        self.assertEqual(self.ticket_of(last)["description"], "last")
        self.assertEqual(count_entries(number), 1)     # "created" only
        self.assertFlags(first, [r"\Seen"])
        self.assertFlags(last, [r"\Seen"])
        # Kept for review, rather than lost or retried for ever.
        self.assertEqual(inbound(msgid_of(bad))[0], "review")
        self.assertFlags(bad, [r"\Seen"])

    def test_url_rules(self):
        for url in ("imap://u:secret@127.0.0.1/INBOX", "http://127.0.0.1/",
                    "imap://127.0.0.1/INBOX?ALL"):
            p = subprocess.run(["tix-mailin", "--imap", url, "--once"],
                               capture_output=True, env=self.env(),
                               timeout=30)
            self.assertEqual(p.returncode, 64, url)


class PlainTextTest(ImapCase):
    """imap:// to another machine needs STARTTLS: a server without it
    (this Dovecot has no TLS at all) never gets the password."""

    @classmethod
    def setUpClass(cls):
        cls.addr = global_address()
        if cls.addr is None:
            raise unittest.SkipTest("no address but loopback")
        ApiTestCase.setUpClass()
        cls.dove = Dovecot(also=cls.addr).start()
        cls.cust = make_user("customer")
        cls.c = login(cls.cust)

    def test_no_login_without_tls(self):
        raw = message(self.cust.email, "Plain %s" % new_id(), "x")
        self.dove.save(raw)
        p = subprocess.run(["tix-mailin", "--imap", "imap://%s:%d/INBOX" % (
            self.addr, self.dove.port), "--once"], capture_output=True,
            env=self.env(), timeout=60)
        self.assertEqual(p.returncode, 1, p.stderr.decode())
        self.assertIn("cannot read the mailbox", p.stderr.decode())
        self.assertNotIn("Login: user=", self.dove.log())
        self.assertIsNone(inbound(msgid_of(raw)))
        self.assertFlags(raw, [])


class ReconnectTest(ImapCase):

    def test_server_down_then_up(self):
        d = subprocess.Popen(["tix-mailin", "--imap", self.dove.url,
                              "--interval", "1"], env=self.env(),
                             stderr=subprocess.PIPE)
        try:
            one = message(self.cust.email, "Before %s" % new_id(), "a")
            self.dove.save(one)
            self.wait_taken(one)
            self.dove.stop()
            time.sleep(2.5)         # a pass or two fail meanwhile
            self.assertIsNone(d.poll())
            self.dove.start()
            two = message(self.cust.email, "After %s" % new_id(), "b")
            self.dove.save(two)
            self.wait_taken(two)
            self.assertFlags(two, [r"\Seen"])
        finally:
            d.send_signal(signal.SIGTERM)
            status = d.wait(timeout=30)
            err = d.stderr.read().decode()
            d.stderr.close()
        self.assertEqual(status, 0, err)
        self.assertIn("cannot read the mailbox", err)

    def wait_taken(self, raw):
        deadline = time.time() + 20
        while time.time() < deadline:
            if inbound(msgid_of(raw)) is not None:
                break
            time.sleep(0.2)
        self.assertEqual(self.ticket_of(raw)["status"], "open")


if __name__ == "__main__":
    unittest.main()
