"""Mail in end to end: messages piped into tix-mailin (as an MTA's pipe
transport does), checked through the HTTP API as users see them, and in
the review table where nothing was made.

The stack's support address is support@tix.test (scripts/test).
"""

import base64
import hashlib
import os
import struct
import subprocess
import time
import unittest
import uuid

from tixclient import (ApiTestCase, create_ticket, login, make_user, psql,
                       psql_int, psql_rows, require_env, ticket_int)
from tixflow import set_status

SUPPORT = "support@tix.test"
DOMAIN = "tix.test"


def setUpModule():
    require_env("TIX_DATABASE_URL")


def new_id():
    return "%s@mail.example.com" % uuid.uuid4().hex


def message(sender, subject, body, to=SUPPORT, msgid=None, headers=()):
    """A plain message (LF line ends, as a pipe transport gives it)."""
    lines = ["Return-Path: <%s>" % sender,
             "From: Someone <%s>" % sender,
             "To: %s" % to,
             "Subject: %s" % subject,
             "Message-ID: <%s>" % (msgid or new_id()),
             "Date: Thu, 26 Nov 2026 10:00:00 +0000",
             "MIME-Version: 1.0",
             "Content-Type: text/plain; charset=utf-8"]
    lines += list(headers)
    return ("\n".join(lines) + "\n\n" + body + "\n").encode()


def mailin(raw, env_extra=None):
    env = dict(os.environ)
    env["TIX_SUPPORT_ADDRESS"] = SUPPORT
    env.update(env_extra or {})
    return subprocess.run(["tix-mailin", "--stdin"], input=raw,
                          capture_output=True, env=env, timeout=120)


def msgid_of(raw):
    for line in raw.decode("utf-8", "replace").splitlines():
        if line.lower().startswith("message-id:"):
            return line.split("<", 1)[1].split(">", 1)[0]
    return None


def inbound(msgid):
    """(outcome, ticket number or '') of the latest mail with a
    Message-ID, or None (one id may be taken once per sender)."""
    rows = psql_rows(
        "SELECT m.outcome, coalesce(t.number::text, '') FROM inbound_messages"
        " m LEFT JOIN tickets t ON t.id = m.ticket_id"
        " WHERE m.message_id = :'p1' ORDER BY m.id DESC", msgid)
    return tuple(rows[0]) if rows else None


def reviews(msgid):
    return psql_rows("SELECT reason, coalesce(from_address, ''), subject,"
                     " body_excerpt FROM inbound_review"
                     " WHERE message_id = :'p1'", msgid)


def reply_mac(number, user_id):
    """The MAC of a reply address (lib/crypto/replymac.h), computed here
    from the stack's key as an independent check."""
    with open(require_env("TIX_MAIL_TOKEN_KEY_FILE")) as f:
        key = bytes.fromhex(f.read().strip())
    d = hashlib.blake2b(b"tix-reply-v1\0" + struct.pack(
        ">qq", ticket_int(number), user_id), digest_size=15, key=key)
    return base64.b32encode(d.digest()).decode().lower()


def tagged(number, user, mac=None):
    """The reply address of ticket number for user (mac: a forged one)."""
    return "support+%s.%d.%s@%s" % (number, user.id,
                                    mac or reply_mac(number, user.id),
                                    DOMAIN)


class MailinCase(ApiTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cust = make_user("customer")
        cls.other = make_user("customer")
        cls.agent = make_user("agent")
        cls.c = login(cls.cust)
        cls.o = login(cls.other)
        cls.a = login(cls.agent)

    def deliver(self, raw):
        p = mailin(raw)
        self.assertEqual(p.returncode, 0, p.stderr.decode())
        return p

    def timeline(self, client, number):
        r = client.get("/api/tickets/%s" % number)
        self.assertStatus(r, 200)
        return r.body["ticket"]

    def messages(self, number):
        t = self.timeline(self.a, number)
        return [e for e in t["timeline"] if e["type"] == "message"]

    def assertNothing(self, raw, reason_part):
        """Delivered: no ticket, no reply; a review row saying why."""
        before = psql_int("SELECT count(*) FROM ticket_entries")
        self.deliver(raw)
        mid = msgid_of(raw)
        self.assertEqual(inbound(mid)[0], "review")
        rv = reviews(mid)
        self.assertEqual(len(rv), 1)
        self.assertIn(reason_part, rv[0][0])
        self.assertEqual(psql_int("SELECT count(*) FROM ticket_entries"),
                         before)
        return rv[0]


class NewTicketTest(MailinCase):

    def test_customer_mail_opens_ticket(self):
        raw = message(self.cust.email.upper(),
                      "=?utf-8?q?Printer_on_fire_=F0=9F=94=A5?=",
                      "It burns.\nKey: ABCDE-FGHIJ-KLMNO-12345\n")
        self.deliver(raw)
        outcome, n = inbound(msgid_of(raw))
        self.assertEqual(outcome, "ticket")
        number = "TICK-%s" % n
        t = self.timeline(self.c, number)
        self.assertEqual(t["subject"], "Printer on fire \U0001F525")
        self.assertEqual(t["description"],
                         "It burns.\nKey: ABCDE-FGHIJ-KLMNO-12345")
        self.assertEqual(t["license_key"], "ABCDE-FGHIJ-KLMNO-12345")
        self.assertEqual(t["category"], "general")
        self.assertEqual(t["priority"], "normal")
        self.assertEqual(t["status"], "open")
        self.assertEqual(t["requester"]["email"], self.cust.email)
        created = t["timeline"][0]
        self.assertEqual((created["type"], created["via"]),
                         ("created", "email"))
        self.assertEqual(created["actor"]["id"], self.cust.id)
        # The usual notices are queued.
        kinds = psql("SELECT string_agg(DISTINCT kind::text, ',')"
                     " FROM outbox WHERE ticket_number = :'p1'",
                     ticket_int(number))
        self.assertIn("received", kinds)
        # Others do not see it.
        self.assertStatus(self.o.get("/api/tickets/%s" % number), 404)

    def test_no_subject_multipart(self):
        raw = ("From: %s\nTo: %s\nMessage-ID: <%s>\n"
               "Content-Type: multipart/alternative; boundary=zz\n\n"
               "--zz\nContent-Type: text/plain; charset=iso-8859-1\n"
               "Content-Transfer-Encoding: quoted-printable\n\n"
               "caf=E9 au lait\n--zz\nContent-Type: text/html\n\n"
               "<p>x</p>\n--zz--\n" % (self.cust.email, SUPPORT, new_id())
               ).encode()
        self.deliver(raw)
        outcome, n = inbound(msgid_of(raw))
        self.assertEqual(outcome, "ticket")
        t = self.timeline(self.c, "TICK-%s" % n)
        self.assertEqual(t["subject"], "(no subject)")
        self.assertEqual(t["description"], "caf\u00e9 au lait")

    def test_same_message_id_twice_one_ticket(self):
        raw = message(self.cust.email, "Twice", "Once only")
        self.deliver(raw)
        self.deliver(raw)
        n = psql_int("SELECT count(*) FROM tickets WHERE subject = 'Twice'"
                     " AND requester_id = :'p1'", self.cust.id)
        self.assertEqual(n, 1)

    def test_stranger_kept_for_review(self):
        raw = message("nobody-%s@example.org" % uuid.uuid4().hex[:8],
                      "Hello there", "Who am I? " + "x" * 3000)
        rv = self.assertNothing(raw, "unknown sender")
        self.assertTrue(rv[1].startswith("nobody-"))
        self.assertEqual(rv[2], "Hello there")
        self.assertEqual(len(rv[3]), 2000)

    def test_agent_mail_without_ticket_is_review(self):
        self.assertNothing(message(self.agent.email, "hi", "hi"),
                           "names no ticket")

    def test_auto_and_bulk_and_loops(self):
        e = self.cust.email
        self.assertNothing(message(e, "Out of office", "away", headers=[
            "Auto-Submitted: auto-replied"]), "auto-submitted")
        self.assertNothing(message(e, "News", "sale", headers=[
            "Precedence: bulk"]), "Precedence")
        self.assertNothing(message(e, "Looped", "loop", headers=[
            "X-Loop: " + SUPPORT]), "loop")
        self.assertNothing(message("MAILER-DAEMON@mx.example.com",
                                   "Undelivered Mail", "bounce"),
                           "mailer daemon")
        self.assertNothing(message(e, "Bounce", "bounce").replace(
            b"Return-Path: <%s>" % e.encode(), b"Return-Path: <>"),
            "mailer daemon")
        # "no" is a person writing.
        raw = message(e, "Person", "hi", headers=["Auto-Submitted: no"])
        self.deliver(raw)
        self.assertEqual(inbound(msgid_of(raw))[0], "ticket")

    def test_second_from_is_unreadable(self):
        raw = message(self.cust.email, "Two senders", "hi",
                      headers=["From: %s" % self.agent.email])
        before = psql_int("SELECT count(*) FROM tickets")
        self.deliver(raw)
        n = psql_int("SELECT count(*) FROM inbound_review WHERE reason"
                     " LIKE 'unreadable%' AND created_at > now() -"
                     " interval '1 minute'")
        self.assertGreaterEqual(n, 1)
        self.assertEqual(psql_int("SELECT count(*) FROM tickets"), before)

    def test_too_big_is_65_quickly(self):
        raw = message(self.cust.email, "Huge", "x" * (26 * 1024 * 1024))
        start = time.monotonic()
        p = mailin(raw)
        self.assertLess(time.monotonic() - start, 10)
        self.assertEqual(p.returncode, 65, p.stderr.decode())
        self.assertIn(b"TIX_MAX_MAIL_BYTES", p.stderr)
        self.assertIsNone(inbound(msgid_of(raw)))
        self.assertEqual(reviews(msgid_of(raw)), [])

    def test_not_a_message_is_65(self):
        before = psql_int("SELECT count(*) FROM inbound_messages")
        for raw in (b"", b"\n\n", b"just some words\nand more\n",
                    b"\x7fELF\x02\x01\x01\x00" + bytes(range(256))):
            p = mailin(raw)
            self.assertEqual(p.returncode, 65, (raw[:20], p.stderr))
            self.assertIn(b"not a message", p.stderr)
        self.assertEqual(psql_int("SELECT count(*) FROM inbound_messages"),
                         before)

    def test_arguments(self):
        p = subprocess.run(["tix-mailin", "--imap-typo"], input=b"",
                           capture_output=True, timeout=60)
        self.assertEqual(p.returncode, 64)
        self.assertIn(b"--stdin", p.stderr)

    def test_huge_encoded_subject_is_quick(self):
        """A 1 MiB encoded-word Subject passes the header limit: kept for
        review as unreadable, in well under 5 s; a 200 KiB one of false
        encoded-word starts (quadratic before) is read as text."""
        word = "=?utf-8?b?%s?=" % base64.b64encode(
            b"x" * (768 * 1024)).decode()
        raw = message(self.cust.email, word, "big subject")
        unreadable = ("SELECT count(*) FROM inbound_review"
                      " WHERE reason LIKE 'unreadable: header section%'")
        before = psql_int(unreadable)
        start = time.monotonic()
        self.deliver(raw)
        self.assertLess(time.monotonic() - start, 5)
        self.assertEqual(psql_int(unreadable), before + 1)
        starts = "=?a?q?b" * (200 * 1024 // 7)
        raw = message(self.cust.email, starts, "false starts")
        start = time.monotonic()
        self.deliver(raw)
        self.assertLess(time.monotonic() - start, 5)
        outcome, n = inbound(msgid_of(raw))
        self.assertEqual(outcome, "ticket")
        self.assertEqual(self.timeline(self.c, "TICK-%s" % n)["subject"],
                         starts[:200])
        # A valid word of 150 KiB: decoded, the subject cut to 200.
        word = "=?utf-8?q?%s?=" % ("=C3=A9" * (25 * 1024))
        raw = message(self.cust.email, word, "long word")
        start = time.monotonic()
        self.deliver(raw)
        self.assertLess(time.monotonic() - start, 5)
        outcome, n = inbound(msgid_of(raw))
        self.assertEqual(self.timeline(self.c, "TICK-%s" % n)["subject"],
                         "\u00e9" * 200)

    def test_database_down_is_temporary(self):
        p = mailin(message(self.cust.email, "x", "y"), {
            "TIX_DATABASE_URL":
                "host=127.0.0.1 port=1 dbname=tix connect_timeout=2"})
        self.assertEqual(p.returncode, 75, p.stderr.decode())

    def test_wall_clock_limit(self):
        """A database that holds the message past TIX_MAIL_TIMEOUT_SECONDS
        (here a lock, shorter than the server's lock_timeout would end)
        ends the run with 75 and nothing recorded."""
        holder = subprocess.Popen(
            ["psql", require_env("TIX_DATABASE_URL"), "-X", "-q", "-At"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True)
        try:
            holder.stdin.write("BEGIN;\nLOCK TABLE inbound_messages IN "
                               "ACCESS EXCLUSIVE MODE;\n"
                               "SELECT 'locked';\n")
            holder.stdin.flush()
            self.assertEqual(holder.stdout.readline().strip(), "locked")
            raw = message(self.cust.email, "Slow database", "wait")
            start = time.monotonic()
            p = mailin(raw, {"TIX_MAIL_TIMEOUT_SECONDS": "2"})
            took = time.monotonic() - start
        finally:
            holder.stdin.write("ROLLBACK;\n")
            holder.stdin.close()
            holder.wait(timeout=30)
        self.assertEqual(p.returncode, 75, p.stderr.decode())
        self.assertIn(b"TIX_MAIL_TIMEOUT_SECONDS", p.stderr)
        self.assertLess(took, 4.5)
        self.assertIsNone(inbound(msgid_of(raw)))
        # Delivered again, it goes in.
        self.deliver(raw)
        self.assertEqual(inbound(msgid_of(raw))[0], "ticket")


class ReplyTest(MailinCase):

    def setUp(self):
        self.number = create_ticket(self.c, subject="Mail reply")["number"]

    def test_agent_reply_by_token_makes_waiting(self):
        raw = message(self.agent.email, "Re: [%s] Mail reply" % self.number,
                      "Try turning it off.\n\nOn Thu, 26 Nov 2026, Support"
                      " <%s> wrote:\n> old text\n" % SUPPORT,
                      to=tagged(self.number, self.agent))
        self.deliver(raw)
        self.assertEqual(inbound(msgid_of(raw)),
                         ("reply", str(ticket_int(self.number))))
        t = self.timeline(self.c, self.number)
        self.assertEqual(t["status"], "waiting")
        msgs = [e for e in t["timeline"] if e["type"] == "message"]
        self.assertEqual(len(msgs), 1)
        self.assertEqual(msgs[0]["body"], "Try turning it off.")
        self.assertEqual(msgs[0]["via"], "email")
        self.assertEqual(msgs[0]["actor"]["id"], self.agent.id)
        self.assertIsNotNone(t["first_response_at"])

    def test_customer_reply_by_in_reply_to_reopens_waiting(self):
        r = self.a.post("/api/tickets/%s/messages" % self.number,
                        {"body": "Need more info"})
        self.assertIn(r.status, (200, 201), r)
        raw = message(self.cust.email, "Re: something", "Here it is\n-- \nAnn",
                      headers=["In-Reply-To: <TICK-%d@%s>" % (
                          ticket_int(self.number), DOMAIN)])
        self.deliver(raw)
        t = self.timeline(self.c, self.number)
        self.assertEqual(t["status"], "open")
        last = [e for e in t["timeline"] if e["type"] == "message"][-1]
        self.assertEqual((last["body"], last["via"], last["actor"]["id"]),
                         ("Here it is", "email", self.cust.id))

    def test_reply_by_outbox_message_id(self):
        ob = psql_int("SELECT min(id) FROM outbox WHERE ticket_number ="
                      " :'p1'", ticket_int(self.number))
        raw = message(self.cust.email, "Re: notice", "more", headers=[
            "References: <x@y> <%d.TICK-%d@%s>" % (
                ob, ticket_int(self.number), DOMAIN)])
        self.deliver(raw)
        self.assertEqual(inbound(msgid_of(raw))[0], "reply")
        self.assertEqual(self.messages(self.number)[-1]["body"], "more")

    def test_customer_reply_by_subject(self):
        raw = message(self.cust.email, "Re: [%s] Mail reply" % self.number,
                      "> quoted\nby subject")
        self.deliver(raw)
        self.assertEqual(self.messages(self.number)[-1]["body"],
                         "by subject")

    def test_other_customer_by_subject_not_attributed(self):
        raw = message(self.other.email, "Re: [%s]" % self.number, "hijack")
        rv = self.assertNothing(raw, "not the requester")
        self.assertEqual(self.messages(self.number), [])
        self.assertEqual(rv[1], self.other.email)
        # Nor by thread.
        self.assertNothing(message(
            self.other.email, "x", "hijack", headers=[
                "In-Reply-To: <TICK-%d@%s>" % (ticket_int(self.number),
                                              DOMAIN)]),
            "not the requester")

    def test_wrong_token_is_review(self):
        to = tagged(self.number, self.agent, mac="a" * 24)
        self.assertNothing(message(self.agent.email, "Re: x", "hi", to=to),
                           "wrong reply token")
        to = tagged(self.number, self.cust, mac="a" * 24)
        self.assertNothing(message(self.cust.email, "Re: [%s]" %
                                   self.number, "hi", to=to),
                           "wrong reply token")
        # The customer's MAC for another ticket, or for another user.
        b = create_ticket(self.c, subject="Other one")["number"]
        to = tagged(self.number, self.cust, mac=reply_mac(b, self.cust.id))
        self.assertNothing(message(self.cust.email, "Re: x", "hi", to=to),
                           "wrong reply token")
        to = tagged(self.number, self.cust,
                    mac=reply_mac(self.number, self.agent.id))
        self.assertNothing(message(self.cust.email, "Re: x", "hi", to=to),
                           "wrong reply token")
        self.assertEqual(self.messages(self.number), [])

    def test_customer_reply_by_own_token(self):
        raw = message(self.cust.email, "Re: hello", "by token",
                      to=tagged(self.number, self.cust).upper())
        self.deliver(raw)
        self.assertEqual(inbound(msgid_of(raw))[0], "reply")
        last = self.messages(self.number)[-1]
        self.assertEqual((last["body"], last["actor"]["id"]),
                         ("by token", self.cust.id))

    def test_token_for_one_thread_of_another(self):
        b = create_ticket(self.c, subject="Other one")["number"]
        raw = message(self.cust.email, "Re: x", "which one?",
                      to=tagged(self.number, self.cust), headers=[
                          "In-Reply-To: <TICK-%d@%s>" % (ticket_int(b),
                                                        DOMAIN)])
        self.assertNothing(raw, "different tickets")
        self.assertEqual(self.messages(self.number), [])
        self.assertEqual(self.messages(b), [])

    def test_token_with_stranger_sender_is_review(self):
        self.assertNothing(message("nobody@example.org", "Re: x", "hi",
                                   to=tagged(self.number, self.cust)),
                           "not the recipient")

    def test_customer_token_with_another_from_is_review(self):
        """A leaked reply address speaks for its one recipient only."""
        for sender in (self.other, self.agent):
            rv = self.assertNothing(message(
                sender.email, "Re: [%s]" % self.number, "not mine",
                to=tagged(self.number, self.cust)), "not the recipient")
            self.assertEqual(rv[1], sender.email)
        # Nor the agent's address used by the customer.
        self.assertNothing(message(self.cust.email, "Re: x", "as agent",
                                   to=tagged(self.number, self.agent)),
                           "not the recipient")
        self.assertEqual(self.messages(self.number), [])

    def test_forged_agent_from_is_not_appended(self):
        """From: an agent with the ticket's number, or its thread, but
        without the agent's own reply address: not an agent's reply,
        nothing mailed to the customer, kept for review."""
        before = psql_int("SELECT count(*) FROM outbox WHERE ticket_number"
                          " = :'p1' AND kind = 'reply'",
                          ticket_int(self.number))
        forged = [
            message(self.agent.email, "Re: [%s] Mail reply" % self.number,
                    "Please send your password"),
            message(self.agent.email, "Re: your ticket", "Send it", headers=[
                "In-Reply-To: <TICK-%d@%s>" % (ticket_int(self.number),
                                              DOMAIN)]),
            message(self.agent.email, "Re: notice", "Send it", headers=[
                "References: <%d.TICK-%d@%s>" % (
                    psql_int("SELECT min(id) FROM outbox WHERE"
                             " ticket_number = :'p1'",
                             ticket_int(self.number)),
                    ticket_int(self.number), DOMAIN)]),
        ]
        for raw in forged:
            rv = self.assertNothing(raw, "agent's own reply address")
            self.assertEqual(rv[1], self.agent.email)
        t = self.timeline(self.a, self.number)
        self.assertEqual([e for e in t["timeline"]
                          if e["type"] == "message"], [])
        self.assertEqual(t["status"], "open")
        self.assertIsNone(t["first_response_at"])
        self.assertEqual(psql_int(
            "SELECT count(*) FROM outbox WHERE ticket_number = :'p1'"
            " AND kind = 'reply'", ticket_int(self.number)), before)
        # The review rows name the ticket.
        self.assertEqual(psql_int(
            "SELECT count(*) FROM inbound_review r JOIN tickets t ON"
            " t.id = r.ticket_id WHERE t.number = :'p1'",
            ticket_int(self.number)), len(forged))

    def test_closed_ticket_is_review_not_reopened(self):
        set_status(self.number, "closed")
        self.assertNothing(message(self.cust.email, "Re: x", "reopen?",
                                   to=tagged(self.number, self.cust)),
                           "closed")
        self.assertEqual(self.timeline(self.c, self.number)["status"],
                         "closed")


AUTHSERV = "mx.tix.test"


class AuthResultsTest(MailinCase):
    """TIX_MAIL_AUTHSERV_ID: the receiving server's DMARC, DKIM and SPF
    results of that id decide; every other id is ignored."""

    def send(self, sender, results, subject="Checked", to=SUPPORT,
             msgid=None):
        raw = message(sender.email, subject, "checked mail", to=to,
                      msgid=msgid, headers=[
                          "Authentication-Results: " + r for r in results])
        p = mailin(raw, {"TIX_MAIL_AUTHSERV_ID": AUTHSERV})
        self.assertEqual(p.returncode, 0, p.stderr.decode())
        return inbound(msgid_of(raw)), reviews(msgid_of(raw))

    def dom(self, user):
        return user.email.split("@", 1)[1]

    def test_dmarc_pass_opens_ticket(self):
        (outcome, n), rv = self.send(self.cust, [
            "%s; dmarc=pass (p=reject) header.from=%s" % (
                AUTHSERV, self.dom(self.cust))])
        self.assertEqual((outcome, rv), ("ticket", []))

    def test_dmarc_fail_is_review(self):
        (outcome, _), rv = self.send(self.cust, [
            "%s; dkim=pass header.d=%s" % (AUTHSERV, self.dom(self.cust)),
            "%s; dmarc=fail header.from=%s" % (AUTHSERV,
                                               self.dom(self.cust))])
        self.assertEqual(outcome, "review")
        self.assertIn("DMARC failed", rv[0][0])

    def test_dmarc_fail_beats_a_valid_token(self):
        number = create_ticket(self.c, subject="Checked reply")["number"]
        (outcome, _), rv = self.send(self.cust, [
            "%s; dmarc=fail" % AUTHSERV], to=tagged(number, self.cust))
        self.assertEqual(outcome, "review")
        self.assertIn("DMARC failed", rv[0][0])
        self.assertEqual([e for e in self.timeline(self.a, number)[
            "timeline"] if e["type"] == "message"], [])

    def test_other_server_ids_are_ignored(self):
        # A pass from a server that is not ours counts for nothing ...
        (outcome, _), rv = self.send(self.cust, [
            "evil.example; dmarc=pass header.from=%s" % self.dom(self.cust)])
        self.assertEqual(outcome, "review")
        self.assertIn("no Authentication-Results", rv[0][0])
        # ... and neither does a fail.
        (outcome, _), rv = self.send(self.cust, [
            "evil.example; dmarc=fail",
            "%s; dmarc=pass" % AUTHSERV])
        self.assertEqual((outcome, rv), ("ticket", []))

    def test_without_dmarc_dkim_and_spf_decide(self):
        d = self.dom(self.cust)
        (outcome, _), rv = self.send(self.cust, [
            "%s; dkim=fail header.d=%s; spf=fail smtp.mailfrom=%s" % (
                AUTHSERV, d, self.cust.email)])
        self.assertEqual(outcome, "review")
        self.assertIn("neither DKIM nor SPF", rv[0][0])
        # A signature of another domain is no pass for this one.
        (outcome, _), _ = self.send(self.cust, [
            "%s; dkim=pass header.d=evil.example; spf=softfail"
            " smtp.mailfrom=%s" % (AUTHSERV, self.cust.email)])
        self.assertEqual(outcome, "review")
        (outcome, _), rv = self.send(self.cust, [
            "%s; dkim=pass header.d=%s; spf=fail smtp.mailfrom=%s" % (
                AUTHSERV, d, self.cust.email)])
        self.assertEqual((outcome, rv), ("ticket", []))

    def test_without_the_setting_results_are_not_read(self):
        raw = message(self.cust.email, "Unchecked", "x", headers=[
            "Authentication-Results: %s; dmarc=fail" % AUTHSERV])
        self.deliver(raw)
        self.assertEqual(inbound(msgid_of(raw))[0], "ticket")

    def test_forged_copy_does_not_block_the_genuine_one(self):
        mid = new_id()
        (outcome, _), _ = self.send(self.cust, ["%s; dmarc=fail" % AUTHSERV],
                                    subject="Forged first", msgid=mid)
        self.assertEqual(outcome, "review")
        (outcome, n), _ = self.send(self.cust, ["%s; dmarc=pass" % AUTHSERV],
                                    subject="Genuine", msgid=mid)
        self.assertEqual(outcome, "ticket")
        self.assertEqual(self.timeline(self.c, "TICK-%s" % n)["subject"],
                         "Genuine")


class MessageIdScopeTest(MailinCase):

    def test_a_strangers_message_id_claims_nothing_of_a_customer(self):
        """Anyone may send first with the Message-ID a customer's mail
        will carry; it counts for the stranger's address only."""
        mid = new_id()
        self.deliver(message("squatter@example.org", "First", "mine now",
                             msgid=mid))
        raw = message(self.cust.email, "The real one", "hello", msgid=mid)
        self.deliver(raw)
        rows = psql_rows("SELECT outcome, coalesce(from_address, '')"
                         " FROM inbound_messages WHERE message_id = :'p1'"
                         " ORDER BY id", mid)
        self.assertEqual([tuple(r) for r in rows],
                         [("review", "squatter@example.org"),
                          ("ticket", self.cust.email)])
        # The customer's own second delivery is still a duplicate.
        self.deliver(raw)
        self.assertEqual(psql_int(
            "SELECT count(*) FROM tickets WHERE subject = 'The real one'"
            " AND requester_id = :'p1'", self.cust.id), 1)


if __name__ == "__main__":
    unittest.main()


PNG = (b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + os.urandom(2000)
       + b"\0" * 64 + b"IEND")
ELF = b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 4


def b64_lines(data):
    return base64.encodebytes(data).decode()


def with_files(sender, subject, body, files, headers=(), html=False):
    """A multipart/mixed message of a text (or HTML) body and files,
    each (filename, bytes, content-type) sent as base64."""
    lines = ["From: <%s>" % sender, "To: %s" % SUPPORT,
             "Subject: %s" % subject, "Message-ID: <%s>" % new_id(),
             "MIME-Version: 1.0"] + list(headers) + [
             "Content-Type: multipart/mixed; boundary=\"=_b\"", "",
             "--=_b",
             "Content-Type: text/%s; charset=utf-8" % (
                 "html" if html else "plain"), "", body]
    for name, data, ctype in files:
        lines += ["--=_b", "Content-Type: %s; name=\"%s\"" % (ctype, name),
                  "Content-Disposition: attachment; filename=\"%s\"" % name,
                  "Content-Transfer-Encoding: base64", "", b64_lines(data)]
    lines += ["--=_b--", ""]
    return "\n".join(lines).encode()


def lzfu(rtf):
    """RTF compressed as MS-OXRTFCP 2.1.3.1 allows: every byte a literal
    (a flag byte of 0 before each 8), behind the header (compressed
    size, raw size, "LZFu", CRC)."""
    body = b"".join(b"\0" + rtf[i:i + 8] for i in range(0, len(rtf), 8))
    return struct.pack("<IIII", 12 + len(body), len(rtf), 0x75465A4C,
                       0) + body


def tnef(files, body=None, rtf=None):
    """A winmail.dat (MS-OXTNEF 2.1): the signature, a key, then
    attributes (level, id, length, data, 16-bit sum of the data); each
    file an attAttachRenddata, attAttachTitle and attAttachData.  body:
    the message's attBody (windows-1252); rtf: its PR_RTF_COMPRESSED in
    the message's MAPI properties (attMsgProps)."""
    def attr(level, aid, data):
        return (struct.pack("<BII", level, aid, len(data)) + data
                + struct.pack("<H", sum(data) & 0xFFFF))
    out = struct.pack("<IH", 0x223E9F78, 1)
    out += attr(1, 0x00089006, struct.pack("<I", 0x00010000))
    out += attr(1, 0x00069007, struct.pack("<II", 1252, 0))
    if body is not None:
        out += attr(1, 0x0002800C, body.encode("cp1252"))
    if rtf is not None:
        c = lzfu(rtf)
        c += b"\0" * (-len(c) % 4)
        out += attr(1, 0x00069003, struct.pack("<IIII", 1, 0x10090102, 1,
                                               len(lzfu(rtf))) + c)
    for name, data in files:
        out += attr(2, 0x00069002, struct.pack("<HIHHI", 1, 0xFFFFFFFF, 0,
                                               0, 0))
        out += attr(2, 0x00018010, name.encode("cp1252") + b"\0")
        out += attr(2, 0x0006800F, data)
    return out


class MimeTest(MailinCase):
    """Charsets, HTML-only mail and files by mail, as users see them."""

    def opened(self, raw):
        self.deliver(raw)
        outcome, n = inbound(msgid_of(raw))
        self.assertEqual(outcome, "ticket")
        return "TICK-%s" % n

    def download(self, client, att):
        r = client.get(att["url"])
        self.assertStatus(r, 200)
        return r

    def test_charsets_arrive_exactly(self):
        texts = {"ISO-2022-JP": "日本語のテスト、よろしく",
                 "Shift_JIS": "こんにちは世界、プリンター",
                 "KOI8-R": "Привет, мир: принтер",
                 "GB18030": "你好世界，打印机",
                 "windows-1251": "Здравствуйте, принтер",
                 "ISO-8859-2": "Zażółć gęślą jaźń"}
        for cs, text in texts.items():
            word = "=?%s?B?%s?=" % (cs, base64.b64encode(
                text.encode(cs)).decode())
            raw = (message(self.cust.email, word, "").replace(
                b"charset=utf-8", ("charset=%s" % cs).encode())
                .replace(b"\n\n\n", b"\n\n" + (text + "\n").encode(cs)))
            t = self.timeline(self.c, self.opened(raw))
            self.assertEqual(t["subject"], text, cs)
            self.assertEqual(t["description"], text, cs)

    def test_html_only_mail_is_its_text(self):
        raw = (message(self.cust.email, "HTML", "").replace(
            b"text/plain", b"text/html").replace(
            b"\n\n\n", b"\n\n<html><head><style>p{color:red}</style>"
            b"<script>steal()</script></head><body><p>Caf&eacute; &amp; "
            b"tea</p><p>second<br>line</p></body></html>\n"))
        t = self.timeline(self.c, self.opened(raw))
        self.assertEqual(t["description"], "Caf\u00e9 & tea\nsecond\nline")

    def test_png_byte_for_byte_and_refused_beside_it(self):
        raw = with_files(self.cust.email, "Screenshot", "See attached.", [
            ("screen.png", PNG, "image/png"),
            ("tool", ELF, "application/octet-stream"),
            ("fake.png", ELF, "image/png"),
            ("big.txt", b"a" * (10 * 1024 * 1024 + 1), "text/plain")])
        number = self.opened(raw)
        t = self.timeline(self.c, number)
        self.assertEqual(t["description"], "See attached.")
        self.assertEqual(t["attachment_count"], 1)
        att = t["attachments"][0]
        self.assertEqual((att["filename"], att["content_type"],
                          att["size"]), ("screen.png", "image/png",
                                         len(PNG)))
        created = t["timeline"][0]
        self.assertEqual([a["id"] for a in created["attachments"]],
                         [att["id"]])
        refused = created["refused_attachments"]
        self.assertEqual([r["filename"] for r in refused],
                         ["tool", "fake.png", "big.txt"])
        self.assertIn("not allowed", refused[0]["reason"])
        self.assertIn("not what its name says", refused[1]["reason"])
        self.assertIn("larger than", refused[2]["reason"])
        r = self.download(self.c, att)
        self.assertEqual(r.raw, PNG)
        self.assertEqual(r.headers["Content-Type"], "image/png")
        self.assertStatus(self.o.get(att["url"]), 404)

    def test_more_files_than_allowed(self):
        files = [("f%d.txt" % i, b"file %d\n" % i, "text/plain")
                 for i in range(7)]
        t = self.timeline(self.c, self.opened(with_files(
            self.cust.email, "Many", "files", files)))
        self.assertEqual([a["filename"] for a in t["attachments"]],
                         ["f%d.txt" % i for i in range(5)])
        self.assertEqual(
            [(r["filename"], r["reason"]) for r in
             t["timeline"][0]["refused_attachments"]],
            [("f5.txt", "more than 5 files in one mail"),
             ("f6.txt", "more than 5 files in one mail")])

    def test_winmail_dat_is_unpacked(self):
        dat = tnef([("report.txt", b"numbers\n"), ("chart.png", PNG)])
        raw = with_files(self.cust.email, "Outlook", "From Outlook.",
                         [("winmail.dat", dat, "application/ms-tnef")])
        t = self.timeline(self.c, self.opened(raw))
        got = {a["filename"]: a for a in t["attachments"]}
        self.assertEqual(sorted(got), ["chart.png", "report.txt"])
        self.assertEqual(self.download(self.c, got["chart.png"]).raw, PNG)
        self.assertEqual(self.download(self.c, got["report.txt"]).raw,
                         b"numbers\n")

    def test_inline_cid_image_of_html_mail_is_kept(self):
        raw = ("From: <%s>\nTo: %s\nSubject: inline\nMessage-ID: <%s>\n"
               "Content-Type: multipart/related; boundary=r\n\n--r\n"
               "Content-Type: text/html; charset=utf-8\n\n"
               "<p>Look: <img src=\"cid:shot@x\"></p>\n--r\n"
               "Content-Type: image/png\nContent-ID: <shot@x>\n"
               "Content-Disposition: inline\n"
               "Content-Transfer-Encoding: base64\n\n%s--r--\n" % (
                   self.cust.email, SUPPORT, new_id(), b64_lines(PNG))
               ).encode()
        t = self.timeline(self.c, self.opened(raw))
        self.assertEqual(t["description"], "Look:")
        self.assertEqual(len(t["attachments"]), 1)
        self.assertEqual(self.download(self.c, t["attachments"][0]).raw,
                         PNG)

    def test_reply_by_mail_with_a_file(self):
        number = create_ticket(self.c, subject="Reply with file")["number"]
        raw = with_files(self.cust.email, "Re: x", "Here it is.", [
            ("log.txt", b"line 1\nline 2\n", "text/plain"),
            ("setup.exe", b"MZ\x90\x00" + bytes(200), "application/x-exe")],
            headers=["X-Dummy: 1"]).replace(
            b"To: %s" % SUPPORT.encode(),
            b"To: %s" % tagged(number, self.cust).encode())
        self.deliver(raw)
        self.assertEqual(inbound(msgid_of(raw))[0], "reply")
        msg = self.messages(number)[-1]
        self.assertEqual(msg["body"], "Here it is.")
        self.assertEqual([a["filename"] for a in msg["attachments"]],
                         ["log.txt"])
        self.assertEqual([r["filename"] for r in msg["refused_attachments"]],
                         ["setup.exe"])
        self.assertEqual(self.download(self.c, msg["attachments"][0]).raw,
                         b"line 1\nline 2\n")

    def test_25_mib_message_in_seconds(self):
        """Just under TIX_MAX_MAIL_BYTES: read, its file refused as too
        large, the ticket opened, in a few seconds."""
        big = b"%PDF-1.4\n" + os.urandom(18 * 1024 * 1024)
        raw = with_files(self.cust.email, "Big file", "A big one.",
                         [("big.pdf", big, "application/pdf")])
        self.assertLess(len(raw), 25 * 1024 * 1024)
        self.assertGreater(len(raw), 24 * 1024 * 1024)
        start = time.monotonic()
        number = self.opened(raw)
        self.assertLess(time.monotonic() - start, 10)
        t = self.timeline(self.c, number)
        self.assertEqual(t["attachments"], [])
        self.assertIn("larger than",
                      t["timeline"][0]["refused_attachments"][0]["reason"])

    def review_row(self, subject):
        r = self.a.get("/api/tickets/inbound?per_page=100")
        self.assertStatus(r, 200)
        rows = [i for i in r.body["inbound"] if i["subject"] == subject]
        self.assertEqual(len(rows), 1)
        return rows[0]

    def test_kept_mail_keeps_its_files(self):
        """A stranger's mail with files: kept for review with them; made
        a ticket, the ticket has them (and the refusal); discarded, they
        are gone."""
        stranger = "someone-%s@elsewhere.example" % uuid.uuid4().hex[:8]
        subject = "Files from afar %s" % uuid.uuid4().hex[:6]
        raw = with_files(stranger, subject, "Here.", [
            ("shot.png", PNG, "image/png"), ("run.exe", ELF, "x/y")])
        self.deliver(raw)
        self.assertEqual(inbound(msgid_of(raw))[0], "review")
        row = self.review_row(subject)
        self.assertEqual(row["attachment_count"], 1)
        r = self.a.post("/api/tickets/inbound/%d/ticket" % row["id"],
                        {"requester_email": self.cust.email})
        self.assertStatus(r, 201)
        t = self.timeline(self.c, r.body["ticket"]["number"])
        self.assertEqual([a["filename"] for a in t["attachments"]],
                         ["shot.png"])
        self.assertEqual(self.download(self.c, t["attachments"][0]).raw,
                         PNG)
        created = t["timeline"][0]
        self.assertEqual([a["filename"] for a in created["attachments"]],
                         ["shot.png"])
        self.assertEqual([f["filename"] for f in
                          created["refused_attachments"]], ["run.exe"])
        # Discarded: the files go with the mail.
        subject = "Spam with files %s" % uuid.uuid4().hex[:6]
        self.deliver(with_files(stranger, subject, "Buy.", [
            ("ad.png", PNG, "image/png")]))
        row = self.review_row(subject)
        before = psql_int("SELECT count(*) FROM attachments")
        self.assertStatus(self.a.delete("/api/tickets/inbound/%d" %
                                        row["id"]), 204)
        self.assertEqual(psql_int("SELECT count(*) FROM attachments"),
                         before - 1)

    def test_appended_kept_mail_brings_its_files(self):
        number = create_ticket(self.c, subject="Append files")["number"]
        subject = "Forwarded logs %s" % uuid.uuid4().hex[:6]
        stranger = "someone-%s@elsewhere.example" % uuid.uuid4().hex[:8]
        self.deliver(with_files(stranger, subject, "The logs.", [
            ("app.log", b"boot ok\n", "text/plain")]))
        row = self.review_row(subject)
        self.assertEqual(row["attachment_count"], 1)
        r = self.a.post("/api/tickets/inbound/%d/append" % row["id"],
                        {"number": number})
        self.assertStatus(r, 201)
        msg = self.messages(number)[-1]
        self.assertEqual([a["filename"] for a in msg["attachments"]],
                         ["app.log"])
        self.assertEqual(self.download(self.c, msg["attachments"][0]).raw,
                         b"boot ok\n")


class FilesOnlyReplyTest(MailinCase):
    """A reply by mail that is files without text: a message of the
    sender's with the files, its text "(no text)"; without files it is
    still an empty reply, kept for review."""

    def tagged_reply(self, number, body, files):
        return with_files(self.cust.email, "Re: shot", body, files).replace(
            b"To: %s" % SUPPORT.encode(),
            b"To: %s" % tagged(number, self.cust).encode())

    def test_files_without_text_are_a_reply(self):
        number = create_ticket(self.c, subject="Send a screenshot")["number"]
        # Only quoted text above the file: nothing of its own is left.
        raw = self.tagged_reply(number, "> Could you send a screenshot?",
                                [("shot.png", PNG, "image/png"),
                                 ("run.exe", ELF, "x/y")])
        self.deliver(raw)
        self.assertEqual(inbound(msgid_of(raw)), ("reply",
                                                  str(ticket_int(number))))
        msg = self.messages(number)[-1]
        self.assertEqual(msg["body"], "(no text)")
        self.assertEqual(msg["actor"]["id"], self.cust.id)
        self.assertEqual(msg["via"], "email")
        self.assertEqual([a["filename"] for a in msg["attachments"]],
                         ["shot.png"])
        self.assertEqual([r["filename"] for r in msg["refused_attachments"]],
                         ["run.exe"])
        r = self.c.get(msg["attachments"][0]["url"])
        self.assertStatus(r, 200)
        self.assertEqual(r.raw, PNG)

    def test_no_text_and_no_files_is_still_review(self):
        number = create_ticket(self.c, subject="Empty answer")["number"]
        raw = message(self.cust.email, "Re: x", "> only the quote",
                      to=tagged(number, self.cust))
        self.assertNothing(raw, "empty reply")


PER_TICKET = 100
PER_DAY = 2048 * 1024 * 1024


def copy_rows(number, n, size=None):
    """n copies of the ticket's first file's row (size bytes each when
    given), counted by the quotas, never read; their ids as "{...}"."""
    return psql(
        "WITH src AS (SELECT a.* FROM attachments a JOIN tickets t"
        "  ON t.id = a.ticket_id WHERE t.number = :'p1'"
        "  ORDER BY a.id LIMIT 1),"
        " ins AS (INSERT INTO attachments (ticket_id, entry_id,"
        "  uploader_id, filename, content_type, size, sha256, key_id,"
        "  header, nchunks)"
        "  SELECT ticket_id, entry_id, uploader_id, filename,"
        "  content_type, coalesce(nullif(:'p3', '')::bigint, size),"
        "  sha256, key_id, header, nchunks"
        "  FROM src, generate_series(1, :'p2'::int) RETURNING id)"
        " SELECT '{' || string_agg(id::text, ',') || '}' FROM ins",
        ticket_int(number), str(n), "" if size is None else str(size))


def drop_rows(ids):
    psql("DELETE FROM attachments WHERE id = ANY (:'p1'::bigint[])", ids)


class QuotaByMailTest(MailinCase):
    """Files by mail count toward the quotas of uploads (100 files on a
    ticket, 2 GiB from one user in a day): a file past them is refused
    and listed, the rest of the mail goes in."""

    def setUp(self):
        # A customer of its own: the day's bytes are per user.
        self.user = make_user("customer")
        self.client = login(self.user)

    def files_of(self, number):
        return psql_int("SELECT count(*) FROM attachments a JOIN tickets t"
                        " ON t.id = a.ticket_id WHERE t.number = :'p1'",
                        ticket_int(number))

    def by_mail(self, subject, files):
        raw = with_files(self.user.email, subject, "Files.", files)
        self.deliver(raw)
        outcome, n = inbound(msgid_of(raw))
        self.assertEqual(outcome, "ticket")
        return "TICK-%s" % n

    def reply(self, number, files):
        raw = with_files(self.user.email, "Re: files", "More files.",
                         files).replace(
            b"To: %s" % SUPPORT.encode(),
            b"To: %s" % tagged(number, self.user).encode())
        self.deliver(raw)
        self.assertEqual(inbound(msgid_of(raw))[0], "reply")
        r = self.client.get("/api/tickets/%s" % number)
        self.assertStatus(r, 200)
        return [e for e in r.body["ticket"]["timeline"]
                if e["type"] == "message"][-1]

    def test_files_per_ticket(self):
        n = self.by_mail("Quota per ticket", [("first.txt", b"first\n",
                                               "text/plain")])
        ids = copy_rows(n, PER_TICKET - 3)      # 98 on the ticket
        try:
            self.assertEqual(self.files_of(n), PER_TICKET - 2)
            msg = self.reply(n, [("a%d.txt" % i, b"file %d\n" % i,
                                  "text/plain") for i in range(3)])
            self.assertEqual(msg["body"], "More files.")
            self.assertEqual([a["filename"] for a in msg["attachments"]],
                             ["a0.txt", "a1.txt"])
            self.assertEqual(
                [(r["filename"], r["reason"])
                 for r in msg["refused_attachments"]],
                [("a2.txt", "the ticket holds at most 100 files")])
            self.assertEqual(self.files_of(n), PER_TICKET)
            # Full: a reply still goes in, its file refused.
            msg = self.reply(n, [("b.txt", b"b\n", "text/plain")])
            self.assertEqual(msg["attachments"], [])
            self.assertIn("100 files",
                          msg["refused_attachments"][0]["reason"])
            self.assertEqual(self.files_of(n), PER_TICKET)
            # A new ticket of the same customer takes files.
            other = self.by_mail("Another", [("c.txt", b"c\n",
                                              "text/plain")])
            self.assertEqual(self.files_of(other), 1)
        finally:
            drop_rows(ids)

    def test_kept_mail_appended_meets_the_quota(self):
        """A kept mail's files had no ticket and no uploader to count
        against: appended to a ticket of 98 files, two move and the
        third is refused, listed on the message."""
        n = self.by_mail("Quota on review", [("first.txt", b"first\n",
                                              "text/plain")])
        ids = copy_rows(n, PER_TICKET - 3)      # 98 on the ticket
        try:
            subject = "Kept files %s" % uuid.uuid4().hex[:6]
            stranger = "someone-%s@elsewhere.example" % uuid.uuid4().hex[:8]
            self.deliver(with_files(stranger, subject, "Three logs.", [
                ("k%d.txt" % i, b"kept %d\n" % i, "text/plain")
                for i in range(3)]))
            r = self.a.get("/api/tickets/inbound?per_page=100")
            self.assertStatus(r, 200)
            row = [i for i in r.body["inbound"] if i["subject"] == subject]
            self.assertEqual(len(row), 1)
            self.assertEqual(row[0]["attachment_count"], 3)
            r = self.a.post("/api/tickets/inbound/%d/append" % row[0]["id"],
                            {"number": n})
            self.assertStatus(r, 201)
            self.assertEqual([a["filename"] for a in
                              r.body["entry"]["attachments"]],
                             ["k0.txt", "k1.txt"])
            msg = self.messages(n)[-1]
            self.assertEqual([a["filename"] for a in msg["attachments"]],
                             ["k0.txt", "k1.txt"])
            self.assertEqual(
                [(f["filename"], f["reason"])
                 for f in msg["refused_attachments"]],
                [("k2.txt", "the ticket holds at most 100 files")])
            self.assertEqual(self.files_of(n), PER_TICKET)
        finally:
            drop_rows(ids)

    def test_bytes_per_user_and_day(self):
        n = self.by_mail("Quota per day", [("first.txt", b"first\n",
                                            "text/plain")])
        stored = psql_int("SELECT coalesce(sum(size), 0) FROM attachments"
                          " WHERE uploader_id = :'p1' AND created_at >"
                          " now() - interval '1 day'", str(self.user.id))
        data = b"exactly at the quota\n"
        ids = copy_rows(n, 1, size=PER_DAY - stored - len(data))
        try:
            msg = self.reply(n, [("at.txt", data, "text/plain"),
                                 ("over.txt", b"1", "text/plain"),
                                 ("shot.png", PNG, "image/png")])
            self.assertEqual([a["filename"] for a in msg["attachments"]],
                             ["at.txt"])
            refused = msg["refused_attachments"]
            self.assertEqual([r["filename"] for r in refused],
                             ["over.txt", "shot.png"])
            for r in refused:
                self.assertIn("in a day (2 GiB)", r["reason"])
            # A new ticket by mail: opened, its file refused.
            raw = with_files(self.user.email, "Day is full", "Text.",
                             [("d.txt", b"d\n", "text/plain")])
            self.deliver(raw)
            outcome, num = inbound(msgid_of(raw))
            self.assertEqual(outcome, "ticket")
            t = self.timeline(self.client, "TICK-%s" % num)
            self.assertEqual(t["attachments"], [])
            self.assertIn("2 GiB", t["timeline"][0][
                "refused_attachments"][0]["reason"])
            # Another user's mail is not affected.
            self.assertEqual(len(self.timeline(self.c, self.opened_by(
                self.cust))["attachments"]), 1)
        finally:
            drop_rows(ids)

    def opened_by(self, user):
        raw = with_files(user.email, "Not affected", "Mine.",
                         [("e.txt", b"e\n", "text/plain")])
        self.deliver(raw)
        outcome, num = inbound(msgid_of(raw))
        self.assertEqual(outcome, "ticket")
        return "TICK-%s" % num


def only_part(sender, subject, ctype, data):
    """A message whose one part is data, base64, as Outlook sends a
    winmail.dat: no text part of its own."""
    return ("From: <%s>\nTo: %s\nSubject: %s\nMessage-ID: <%s>\n"
            "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b"
            "\n\n--b\nContent-Type: %s\nContent-Disposition: attachment;"
            " filename=\"winmail.dat\"\nContent-Transfer-Encoding: base64"
            "\n\n%s--b--\n" % (sender, SUPPORT, subject, new_id(), ctype,
                                b64_lines(data))).encode()


class TnefBodyTest(MimeTest):
    """The body an Outlook winmail.dat carries is the mail's text when
    the mail has none of its own: the plain-text body, else the
    compressed RTF as its text; the files inside stay files."""

    def test_plain_body_of_winmail_dat(self):
        dat = tnef([("report.txt", b"numbers\n")],
                   body="Caf\u00e9 printer is down.\r\nSince Monday.")
        t = self.timeline(self.c, self.opened(only_part(
            self.cust.email, "Outlook body", "application/ms-tnef", dat)))
        self.assertEqual(t["description"],
                         "Caf\u00e9 printer is down.\nSince Monday.")
        self.assertEqual([a["filename"] for a in t["attachments"]],
                         ["report.txt"])

    def test_compressed_rtf_body_of_winmail_dat(self):
        rtf = (b"{\\rtf1\\ansi\\ansicpg1252\\deff0{\\fonttbl{\\f0 "
               b"Calibri;}}{\\colortbl;\\red0\\green0\\blue0;}"
               b"{\\*\\generator Riched20;}\\f0\\fs22 Caf\\'e9 is "
               b"\\b closed\\b0 .\\par Second \\u8364?line\\par}")
        dat = tnef([("chart.png", PNG)], rtf=rtf)
        t = self.timeline(self.c, self.opened(only_part(
            self.cust.email, "Outlook RTF", "application/ms-tnef", dat)))
        self.assertEqual(t["description"],
                         "Caf\u00e9 is closed.\nSecond \u20acline")
        self.assertEqual([a["filename"] for a in t["attachments"]],
                         ["chart.png"])

    def test_own_text_comes_first(self):
        dat = tnef([("report.txt", b"numbers\n")], body="The TNEF body.")
        raw = with_files(self.cust.email, "Both", "The mail's own text.",
                         [("winmail.dat", dat, "application/ms-tnef")])
        t = self.timeline(self.c, self.opened(raw))
        self.assertEqual(t["description"], "The mail's own text.")

    def test_broken_rtf_is_no_text_and_no_crash(self):
        """Streams libytnef's DecompressRTF would trust: a raw size it
        lies about (1 GiB: its buffer), and one that ends on a flag byte
        (it complains on stdout; older releases exit).  Neither is
        decompressed: no text, the mail in."""
        rtf = (b"{\\rtf1 " + b"never ends " * 90)[:896]    # 112 groups
        lying = bytearray(lzfu(rtf))
        lying[4:8] = struct.pack("<I", 1 << 30)
        # One more flag byte, and no literal after it.
        short = bytearray(lzfu(rtf) + b"\0")
        short[0:8] = struct.pack("<II", len(short) - 4, len(rtf) + 8)
        for c in (lying, short):
            t = self.timeline(self.c, self.opened(only_part(
                self.cust.email, "Bad RTF", "application/ms-tnef",
                tnef_raw_rtf(bytes(c)))))
            self.assertEqual(t["description"], "(no text)")


def tnef_raw_rtf(compressed):
    """A winmail.dat whose PR_RTF_COMPRESSED holds compressed as is."""
    def attr(level, aid, data):
        return (struct.pack("<BII", level, aid, len(data)) + data
                + struct.pack("<H", sum(data) & 0xFFFF))
    c = compressed + b"\0" * (-len(compressed) % 4)
    return (struct.pack("<IH", 0x223E9F78, 1)
            + attr(1, 0x00089006, struct.pack("<I", 0x00010000))
            + attr(1, 0x00069003, struct.pack("<IIII", 1, 0x10090102, 1,
                                              len(compressed)) + c))


def forward_of(sender, subject, text, files=()):
    """A message/rfc822 part: a forwarded message with a text and
    files."""
    lines = ["Content-Type: message/rfc822",
             "Content-Disposition: attachment; filename=\"fwd.eml\"", "",
             "From: Bob Example <%s>" % sender,
             "Date: Tue, 1 Dec 2026 09:30:00 +0000",
             "Subject: %s" % subject, "Message-ID: <%s>" % new_id(),
             "MIME-Version: 1.0",
             "Content-Type: multipart/mixed; boundary=\"=_f\"", "",
             "--=_f", "Content-Type: text/plain; charset=utf-8", "", text]
    for name, data, ctype in files:
        lines += ["--=_f", "Content-Type: %s; name=\"%s\"" % (ctype, name),
                  "Content-Disposition: attachment; filename=\"%s\"" % name,
                  "Content-Transfer-Encoding: base64", "", b64_lines(data)]
    lines += ["--=_f--", ""]
    return "\n".join(lines)


def with_forwards(sender, subject, text, forwards):
    lines = ["From: <%s>" % sender, "To: %s" % SUPPORT,
             "Subject: %s" % subject, "Message-ID: <%s>" % new_id(),
             "MIME-Version: 1.0",
             "Content-Type: multipart/mixed; boundary=\"=_b\"", ""]
    if text is not None:
        lines += ["--=_b", "Content-Type: text/plain; charset=utf-8", "",
                  text]
    for f in forwards:
        lines += ["--=_b", f]
    lines += ["--=_b--", ""]
    return "\n".join(lines).encode()


class ForwardTest(MimeTest):
    """A forwarded message (message/rfc822) is unpacked: its text after
    the mail's own, under who sent it when, and its files as the mail's
    files, under the same rules; never a refused ".eml"."""

    HEAD = ("---------- Forwarded message ----------\n"
            "From: Bob Example <bob@elsewhere.example>\n"
            "Date: Tue, 1 Dec 2026 09:30:00 +0000\n")

    def test_forwarded_text_and_files(self):
        raw = with_forwards(self.cust.email, "Fwd: Printer", "See below.", [
            forward_of("bob@elsewhere.example", "Printer",
                       "The printer says E42.",
                       [("error.png", PNG, "image/png"),
                        ("tool.exe", ELF, "application/octet-stream")])])
        t = self.timeline(self.c, self.opened(raw))
        self.assertEqual(t["description"], "See below.\n\n" + self.HEAD +
                         "Subject: Printer\n\nThe printer says E42.")
        self.assertEqual([a["filename"] for a in t["attachments"]],
                         ["error.png"])
        self.assertEqual(self.download(self.c, t["attachments"][0]).raw,
                         PNG)
        self.assertEqual([r["filename"] for r in
                          t["timeline"][0]["refused_attachments"]],
                         ["tool.exe"])

    def test_forward_alone_is_the_text(self):
        raw = with_forwards(self.cust.email, "Fwd: only", None, [
            forward_of("bob@elsewhere.example", "Only", "Just this.")])
        t = self.timeline(self.c, self.opened(raw))
        self.assertEqual(t["description"], self.HEAD +
                         "Subject: Only\n\nJust this.")
        self.assertEqual(t["timeline"][0]["refused_attachments"], [])

    def test_at_most_ten_forwards(self):
        raw = with_forwards(self.cust.email, "Fwd: many", "Many.", [
            forward_of("bob@elsewhere.example", "n%d" % i, "forward %d" % i)
            for i in range(12)])
        t = self.timeline(self.c, self.opened(raw))
        for i in range(10):
            self.assertIn("forward %d\n" % i, t["description"] + "\n")
        self.assertNotIn("forward 10", t["description"])
        self.assertNotIn("forward 11", t["description"])
        self.assertEqual(t["timeline"][0]["refused_attachments"], [])
