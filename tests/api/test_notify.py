"""E-mail notifications end to end: requests queue rows in the outbox,
tix-notify --once sends them to a real SMTP server (aiosmtpd, started
here on a free loopback port) and marks them; the tests read what a user
would receive.

The database is shared with the other test files, which queue rows too
and never send them.  setUpModule moves those out of reach (due at
'infinity'), so a pass here sends only what this file causes; its
messages to other users (every active agent gets a new-ticket notice)
reach the sink as well, so every check filters by recipient and ticket.
"""

import email
import email.policy
import os
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import threading
import time
import unittest

try:
    from aiosmtpd.controller import Controller
except ImportError:  # a Python of its own; the Debian package is there
    sys.path.append("/usr/lib/python3/dist-packages")
    from aiosmtpd.controller import Controller

from tixclient import (ApiTestCase, create_ticket, login, make_user,
                       psql, psql_int, psql_rows, require_env, ticket_int,
                       user_id)
from test_mailin import reply_mac
from tixflow import run_scheduler, set_due_past, set_status, tpath

SUPPORT = "support@tix.test"


def setUpModule():
    require_env("TIX_DATABASE_URL")
    psql("UPDATE outbox SET next_attempt_at = 'infinity'"
         " WHERE status = 'queued'")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Sink:
    """An SMTP server in this process that keeps every message.
    replies maps a recipient address to the answer its RCPT gets
    (e.g. "550 5.1.1 No such user"); others are accepted."""

    def __init__(self, port=None):
        self.port = port or free_port()
        self.lock = threading.Lock()
        self.received = []      # (mail_from, [rcpt], raw bytes)
        self.replies = {}
        self.on_data = None     # called with the rcpts before the 250
        self.controller = Controller(self, hostname="127.0.0.1",
                                     port=self.port)

    @property
    def url(self):
        return "smtp://127.0.0.1:%d" % self.port

    def start(self):
        self.controller.start()
        return self

    def stop(self):
        self.controller.stop()

    async def handle_RCPT(self, server, session, envelope, address,
                          rcpt_options):
        reply = self.replies.get(address.lower())
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.received.append((envelope.mail_from,
                                  list(envelope.rcpt_tos),
                                  envelope.original_content))
        if self.on_data is not None:
            self.on_data(list(envelope.rcpt_tos))
        return "250 Message accepted for delivery"

    def mails(self, to=None, number=None):
        """Parsed messages, with .envelope = (from, rcpts), for one
        recipient and/or one ticket ("TICK-n")."""
        out = []
        with self.lock:
            got = list(self.received)
        for mail_from, rcpts, raw in got:
            m = email.message_from_bytes(raw, policy=email.policy.default)
            m.envelope = (mail_from, rcpts)
            m.raw = raw
            # The decoded body, with the wire's CRLF as "\n".
            m.text = m.get_content().replace("\r\n", "\n")
            if to is not None and rcpts != [to]:
                continue
            if number is not None and \
                    m["References"] != "<%s@tix.test>" % number:
                continue
            out.append(m)
        return out

    def all_raw(self):
        with self.lock:
            return b"".join(r[2] for r in self.received)


def run_notify(url, *args, check=True, wait=True):
    """tix-notify --once against the SMTP server at url."""
    env = dict(os.environ)
    env["TIX_SMTP_URL"] = url
    env["TIX_SUPPORT_ADDRESS"] = SUPPORT
    argv = ["tix-notify"] + (list(args) or ["--once"])
    if not wait:
        return subprocess.Popen(argv, env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
    p = subprocess.run(argv, capture_output=True, text=True, env=env,
                       timeout=300)
    if check and p.returncode != 0:
        raise AssertionError("tix-notify: %d %s %s" %
                             (p.returncode, p.stdout, p.stderr))
    return p


def run_files(maildir):
    """tix-notify --once without TIX_SMTP_URL, writing to maildir."""
    env = dict(os.environ)
    env.pop("TIX_SMTP_URL", None)
    env["TIX_MAIL_DIR"] = maildir
    env["TIX_SUPPORT_ADDRESS"] = SUPPORT
    return subprocess.run(["tix-notify", "--once"], capture_output=True,
                          text=True, env=env, timeout=300)


def rows(number, to=None):
    """The outbox rows of ticket number (to: one recipient), oldest
    first, as dicts."""
    out = psql_rows(
        "SELECT o.id, o.recipient, o.kind, o.status, o.attempts,"
        " o.next_attempt_at > now(), coalesce(o.last_error, ''),"
        " o.sent_at IS NOT NULL FROM outbox o"
        " WHERE o.ticket_number = :'p1'"
        " AND (:'p2' = '' OR o.recipient = :'p2') ORDER BY o.id",
        ticket_int(number), to or "")
    keys = ("id", "recipient", "kind", "status", "attempts", "future",
            "last_error", "has_sent_at")
    res = []
    for r in out:
        d = dict(zip(keys, r))
        d["id"] = int(d["id"])
        d["attempts"] = int(d["attempts"])
        d["future"] = d["future"] == "t"
        d["has_sent_at"] = d["has_sent_at"] == "t"
        res.append(d)
    return res


def make_due(number):
    psql("UPDATE outbox SET next_attempt_at = now()"
         " WHERE ticket_number = :'p1' AND status = 'queued'",
         ticket_int(number))


class NotifyCase(ApiTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sink = Sink().start()
        cls.base = require_env("TIX_TEST_BASE_URL")
        cls.cust = make_user("customer")
        cls.agent = make_user("agent")
        cls.agent2 = make_user("agent")
        cls.c = login(cls.cust)
        cls.a = login(cls.agent)
        cls.a2 = login(cls.agent2)

    @classmethod
    def tearDownClass(cls):
        cls.sink.stop()
        super().tearDownClass()

    def send(self):
        return run_notify(self.sink.url)

    def new_ticket(self, client=None, **fields):
        return create_ticket(client or self.c, **fields)["number"]

    def one(self, to, number, kind_text=None):
        """The single message to `to` about ticket number."""
        got = self.sink.mails(to=to, number=number)
        if kind_text is not None:
            got = [m for m in got if kind_text in m.text]
        self.assertEqual(len(got), 1, [m["Subject"] for m in got])
        return got[0]

    def set_prefs(self, client, **prefs):
        p = {"email_on_reply": True, "email_on_status": True,
             "email_on_assigned": True, "sms_number": None,
             "sms_enabled": False}
        p.update(prefs)
        r = client.put("/api/me/preferences", p)
        self.assertStatus(r, 200)

    def assertAllSent(self, number):
        for r in rows(number):
            self.assertEqual((r["status"], r["attempts"]), ("sent", 1), r)
            self.assertTrue(r["has_sent_at"])


class ReceivedTest(NotifyCase):

    def test_ticket_received_headers(self):
        t = create_ticket(self.c, subject="Printer on fire")
        n = t["number"]
        self.send()
        m = self.one(self.cust.email, n)
        row = [r for r in rows(n, self.cust.email)]
        self.assertEqual(len(row), 1)
        self.assertEqual(row[0]["kind"], "received")
        mac = reply_mac(n, self.cust.id)
        self.assertEqual(m.envelope, (SUPPORT, [self.cust.email]))
        self.assertEqual(m["Subject"], "[%s] Printer on fire" % n)
        self.assertEqual(m["From"], SUPPORT)
        self.assertEqual(m["To"], self.cust.email)
        self.assertEqual(m["Message-ID"],
                         "<%d.%s@tix.test>" % (row[0]["id"], n))
        self.assertEqual(m["In-Reply-To"], "<%s@tix.test>" % n)
        self.assertEqual(m["References"], "<%s@tix.test>" % n)
        # The customer's own reply address: ticket, user and MAC.
        self.assertEqual(m["Reply-To"], "support+%s.%d.%s@tix.test" % (
            n, self.cust.id, mac))
        # Every recipient gets an address of their own.
        a = self.one(self.agent.email, n)
        self.assertEqual(a["Reply-To"], "support+%s.%d.%s@tix.test" % (
            n, self.agent.id, reply_mac(n, self.agent.id)))
        self.assertEqual(m["Auto-Submitted"], "auto-generated")
        self.assertEqual(m["X-Loop"], SUPPORT)
        self.assertEqual(m["MIME-Version"], "1.0")
        self.assertEqual(m.get_content_type(), "text/plain")
        self.assertEqual(m.get_content_charset(), "utf-8")
        self.assertIsNotNone(m["Date"])
        self.assertIsNotNone(m["Date"].datetime)
        body = m.text
        self.assertIn(n, body)
        self.assertIn("%s/customer/tickets/%s" % (self.base, n), body)
        # CRLF everywhere, nothing else.
        self.assertNotIn(b"\n", m.raw.replace(b"\r\n", b""))
        self.assertNotIn(b"\r", m.raw.replace(b"\r\n", b""))
        self.assertAllSent(n)
        # A second pass sends nothing again.
        before = len(self.sink.mails(number=n))
        self.send()
        self.assertEqual(len(self.sink.mails(number=n)), before)

    def test_agents_get_new_ticket(self):
        t = create_ticket(self.c, description="Line one\nLine two")
        n = t["number"]
        self.send()
        for agent in (self.agent, self.agent2):
            m = self.one(agent.email, n)
            self.assertEqual(m["Subject"], "[%s] %s" % (n, t["subject"]))
            body = m.text
            self.assertIn("New ticket %s" % n, body)
            self.assertIn("Line one\nLine two", body)
        # The customer's notice says nothing of agents' matters.
        self.assertEqual(len(self.sink.mails(to=self.cust.email,
                                             number=n)), 1)

    def test_agent_opening_for_customer(self):
        t = create_ticket(self.a, requester_email=self.cust.email)
        n = t["number"]
        self.send()
        self.one(self.cust.email, n)
        self.one(self.agent2.email, n)
        # Not to the agent who opened it.
        self.assertEqual(self.sink.mails(to=self.agent.email, number=n), [])


class ReplyTest(NotifyCase):

    def test_public_reply_reaches_customer_note_does_not(self):
        n = self.new_ticket()
        secret = "internal-secret-%s" % os.urandom(6).hex()
        r = self.a.post(tpath(n, "/messages"),
                        {"body": secret, "internal": True})
        self.assertStatus(r, 201)
        self.send()
        self.assertEqual(len(self.sink.mails(to=self.cust.email,
                                             number=n)), 1)  # received
        text = "Please restart it.\n.\nThen try again = done"
        r = self.a.post(tpath(n, "/messages"), {"body": text})
        self.assertStatus(r, 201)
        self.send()
        m = self.one(self.cust.email, n, "replied")
        body = m.text
        self.assertIn(text, body)
        self.assertIn("%s/customer/tickets/%s" % (self.base, n), body)
        self.assertIn(self.agent.name, body)
        # The note's text is in no message to anyone.
        self.assertNotIn(secret.encode(), self.sink.all_raw())
        self.assertEqual(psql_int(
            "SELECT count(*) FROM outbox WHERE body LIKE '%' || :'p1' || '%'",
            secret), 0)

    def test_license_keys_masked_in_mail(self):
        key, other = "ABCDE-FGHIJ-KLMNO-12345", "QWERT-YUIOP-ASDFG-67890"
        n = self.new_ticket(description="My key %s stopped working." % key)
        r = self.a.post(tpath(n, "/messages"),
                        {"body": "Use %s instead." % other})
        self.assertStatus(r, 201)
        self.send()
        got = self.sink.mails(number=n)
        self.assertTrue(got)
        texts = "\n".join(m.text for m in got)
        self.assertIn("*****-*****-*****-12345", texts)   # to the agents
        self.assertIn("Use *****-*****-*****-67890 instead.",
                      self.one(self.cust.email, n, "replied").text)
        for m in got:
            self.assertNotIn(key.encode(), m.raw)
            self.assertNotIn(other.encode(), m.raw)
            self.assertNotIn(key, m.text)

    def test_reply_preference_off(self):
        cust = make_user("customer")
        c = login(cust)
        self.set_prefs(c, email_on_reply=False)
        n = self.new_ticket(c)
        r = self.a.post(tpath(n, "/messages"), {"body": "An answer"})
        self.assertStatus(r, 201)
        self.send()
        got = self.sink.mails(to=cust.email, number=n)
        # Only "received", which is always sent.
        self.assertEqual(len(got), 1)
        self.assertNotIn("An answer", got[0].text)

    def test_customer_reply_reaches_agents(self):
        n = self.new_ticket()
        r = self.c.post(tpath(n, "/messages"), {"body": "More details"})
        self.assertStatus(r, 201)
        self.send()
        for agent in (self.agent, self.agent2):
            m = self.one(agent.email, n, "More details")
            self.assertIn(self.cust.name + " wrote", m.text)
        # Assigned: only the assignee hears of the next one.
        r = self.a.patch(tpath(n), {"assignee_id": user_id(
            self.agent2.email)})
        self.assertStatus(r, 200)
        r = self.c.post(tpath(n, "/messages"), {"body": "Even more"})
        self.assertStatus(r, 201)
        self.send()
        self.one(self.agent2.email, n, "Even more")
        self.assertEqual([m for m in self.sink.mails(to=self.agent.email,
                                                     number=n)
                          if "Even more" in m.text], [])

    def test_reply_that_resolves_is_one_message(self):
        n = self.new_ticket()
        r = self.a.post(tpath(n, "/messages"),
                        {"body": "Fixed in 2.1", "status": "resolved"})
        self.assertStatus(r, 201)
        self.send()
        m = self.one(self.cust.email, n, "Fixed in 2.1")
        self.assertIn("Status: resolved", m.text)
        self.assertEqual([r["kind"] for r in rows(n, self.cust.email)],
                         ["received", "reply"])

    def test_reopen_by_customer_reaches_agents(self):
        n = self.new_ticket()
        set_status(n, "closed", "1 day")
        r = self.c.post(tpath(n, "/reopen"), {"body": "It is back"})
        self.assertStatus(r, 200)
        self.send()
        m = self.one(self.agent.email, n, "It is back")
        self.assertIn("reopened", m.text)
        self.assertEqual([r["kind"] for r in rows(n, self.cust.email)],
                         ["received"])

    def test_idempotent_replay_queues_nothing_more(self):
        body = {"subject": "Once only", "description": "x",
                "category": "general"}
        key = {"Idempotency-Key": "notify-%s" % os.urandom(8).hex()}
        first = self.c.post("/api/tickets", body, headers=key)
        self.assertStatus(first, 201)
        again = self.c.post("/api/tickets", body, headers=key)
        self.assertIn(again.status, (200, 201))
        n = first.body["ticket"]["number"]
        self.assertEqual(again.body["ticket"]["number"], n)
        self.assertEqual([r["kind"] for r in rows(n, self.cust.email)],
                         ["received"])


class AssignStatusTest(NotifyCase):

    def test_assignment_reaches_assignee(self):
        n = self.new_ticket()
        r = self.a.patch(tpath(n), {"assignee_id": user_id(
            self.agent2.email)})
        self.assertStatus(r, 200)
        self.send()
        m = self.one(self.agent2.email, n, "assigned to you")
        self.assertIn(self.agent.name, m.text)
        self.assertEqual([r["kind"] for r in rows(n, self.agent.email)],
                         ["new_ticket"])
        # Taking it oneself: no notice to oneself.
        r = self.a.patch(tpath(n), {"assignee_id": user_id(
            self.agent.email)})
        self.assertStatus(r, 200)
        self.send()
        self.assertEqual([r["kind"] for r in rows(n, self.agent.email)],
                         ["new_ticket"])

    def test_assignment_preference_off(self):
        agent = make_user("agent")
        self.set_prefs(login(agent), email_on_assigned=False)
        n = self.new_ticket()
        r = self.a.patch(tpath(n), {"assignee_id": user_id(agent.email)})
        self.assertStatus(r, 200)
        self.send()
        self.assertEqual([r["kind"] for r in rows(n, agent.email)],
                         ["new_ticket"])

    def test_status_change_and_resolution(self):
        n = self.new_ticket()
        r = self.a.patch(tpath(n), {"status": "resolved"})
        self.assertStatus(r, 200)
        self.send()
        m = self.one(self.cust.email, n, "changed from open to resolved")
        self.assertIn("%s/customer/tickets/%s" % (self.base, n),
                      m.text)
        # The customer closing it gets no notice of their own act.
        r = self.c.patch(tpath(n), {"status": "closed"})
        self.assertStatus(r, 200)
        self.send()
        self.assertEqual([r["kind"] for r in rows(n, self.cust.email)],
                         ["received", "status"])

    def test_status_preference_off(self):
        cust = make_user("customer")
        c = login(cust)
        self.set_prefs(c, email_on_status=False)
        n = self.new_ticket(c)
        r = self.a.patch(tpath(n), {"status": "in_progress"})
        self.assertStatus(r, 200)
        self.send()
        self.assertEqual([r["kind"] for r in rows(n, cust.email)],
                         ["received"])

    def test_sla_breach_reaches_agents(self):
        n = self.new_ticket()
        set_due_past(n)
        p = run_scheduler("--once")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.send()
        for agent in (self.agent, self.agent2):
            m = self.one(agent.email, n, "overdue")
            self.assertIn(n, m.text)
        self.assertNotIn("sla_breach",
                         [r["kind"] for r in rows(n, self.cust.email)])


class HeaderTest(NotifyCase):

    def test_crlf_subject_refused(self):
        r = self.c.post("/api/tickets", {
            "subject": "Hi\r\nBcc: victim@example.com",
            "description": "x", "category": "general"})
        self.assertError(r, 422, "validation_failed")
        self.send()
        for mail_from, rcpts, raw in self.sink.received:
            self.assertNotIn("victim@example.com", rcpts)
            self.assertNotIn(b"victim@example.com", raw)

    def test_emoji_subject_encoded(self):
        subject = "Drucker \U0001F525 brennt \u202Egnp.exe \u00e9t\u00e9"
        n = self.new_ticket(subject=subject)
        self.send()
        m = self.one(self.cust.email, n)
        self.assertEqual(m["Subject"], "[%s] %s" % (n, subject))
        head = m.raw.split(b"\r\n\r\n", 1)[0]
        self.assertIn(b"Subject: =?UTF-8?B?", head)
        head.decode("ascii")    # no raw UTF-8 in any header
        for line in head.split(b"\r\n"):
            self.assertLessEqual(len(line), 78, line)


class FaultTest(NotifyCase):

    def test_smtp_down_then_delivered_once(self):
        down = Sink()           # not started: nothing listens there
        n = self.new_ticket()
        p = run_notify(down.url)
        self.assertEqual(p.returncode, 0)
        r = rows(n, self.cust.email)[0]
        self.assertEqual((r["status"], r["attempts"]), ("queued", 1))
        self.assertTrue(r["future"])
        self.assertTrue(r["last_error"])
        # Not due yet: another pass leaves it alone.
        run_notify(down.url)
        self.assertEqual(rows(n, self.cust.email)[0]["attempts"], 1)
        down.start()
        try:
            make_due(n)
            run_notify(down.url)
            got = down.mails(to=self.cust.email, number=n)
            self.assertEqual(len(got), 1)
            r = rows(n, self.cust.email)[0]
            self.assertEqual((r["status"], r["attempts"]), ("sent", 2))
            self.assertEqual(r["last_error"], "")
            make_due(n)
            run_notify(down.url)
            self.assertEqual(len(down.mails(to=self.cust.email,
                                            number=n)), 1)
        finally:
            down.stop()

    def test_tarpit_times_out(self):
        """F9: a server that accepts the connection and never says a
        word costs the sender a bounded wait, then a retry later."""
        tarpit = socket.socket()
        tarpit.bind(("127.0.0.1", 0))
        tarpit.listen(8)
        held = []

        def accept():
            try:
                while True:
                    held.append(tarpit.accept()[0])
            except OSError:
                pass
        threading.Thread(target=accept, daemon=True).start()
        try:
            n = self.new_ticket()
            # Only the customer's row is due: one wait, not one per agent.
            psql("UPDATE outbox SET next_attempt_at = 'infinity'"
                 " WHERE ticket_number = :'p1' AND recipient <> :'p2'",
                 ticket_int(n), self.cust.email)
            start = time.monotonic()
            run_notify("smtp://127.0.0.1:%d" % tarpit.getsockname()[1])
            self.assertLess(time.monotonic() - start, 75)
        finally:
            tarpit.close()
            for c in held:
                c.close()
        r = rows(n, self.cust.email)[0]
        self.assertEqual((r["status"], r["attempts"]), ("queued", 1))
        self.assertTrue(r["future"])
        self.assertTrue(r["last_error"])

    def test_550_fails_for_good(self):
        cust = make_user("customer")
        self.sink.replies[cust.email] = "550 5.1.1 No such user here"
        n = self.new_ticket(login(cust))
        self.send()
        r = rows(n, cust.email)[0]
        self.assertEqual((r["status"], r["attempts"]), ("failed", 1))
        self.assertIn("550", r["last_error"])
        self.assertEqual(self.sink.mails(to=cust.email), [])
        # Not retried, also once the server would accept it.
        del self.sink.replies[cust.email]
        self.send()
        self.assertEqual(rows(n, cust.email)[0]["status"], "failed")
        self.assertEqual(self.sink.mails(to=cust.email), [])
        # The agents' notices of the same ticket went out.
        self.one(self.agent.email, n)

    def test_451_retried_later(self):
        cust = make_user("customer")
        self.sink.replies[cust.email] = "451 4.3.0 Try again later"
        n = self.new_ticket(login(cust))
        self.send()
        r = rows(n, cust.email)[0]
        self.assertEqual((r["status"], r["attempts"]), ("queued", 1))
        self.assertTrue(r["future"])
        self.assertIn("451", r["last_error"])
        del self.sink.replies[cust.email]
        make_due(n)
        self.send()
        r = rows(n, cust.email)[0]
        self.assertEqual((r["status"], r["attempts"]), ("sent", 2))
        self.assertEqual(len(self.sink.mails(to=cust.email)), 1)

    def test_crash_before_mark_resends_same_message_id(self):
        """F11: the sender dies after the server has the whole message
        and before it can mark the row; once the claim's lease is over
        the message goes out again, with the same Message-ID."""
        cust = make_user("customer")
        n = self.new_ticket(login(cust))
        p = run_notify(self.sink.url, wait=False)

        def kill(rcpts):
            if rcpts == [cust.email]:
                p.kill()
        self.sink.on_data = kill
        try:
            p.communicate(timeout=300)
        finally:
            self.sink.on_data = None
        self.assertEqual(p.returncode, -9)
        r = rows(n, cust.email)[0]
        self.assertEqual((r["status"], r["attempts"]), ("queued", 1))
        self.assertTrue(r["future"])        # the lease
        make_due(n)                         # as if the lease were over
        self.send()
        got = self.sink.mails(to=cust.email, number=n)
        self.assertEqual(len(got), 2)
        self.assertEqual(got[0]["Message-ID"], got[1]["Message-ID"])
        self.assertEqual(got[0]["Message-ID"],
                         "<%d.%s@tix.test>" % (r["id"], n))
        r = rows(n, cust.email)[0]
        self.assertEqual((r["status"], r["attempts"]), ("sent", 2))

    def test_two_senders_send_each_once(self):
        numbers = [self.new_ticket() for _ in range(12)]
        procs = [run_notify(self.sink.url, wait=False) for _ in range(2)]
        for p in procs:
            out, err = p.communicate(timeout=300)
            self.assertEqual(p.returncode, 0, err)
        for n in numbers:
            self.assertAllSent(n)
            ids = [m["Message-ID"] for m in self.sink.mails(number=n)]
            self.assertEqual(len(ids), len(set(ids)), n)
            self.assertEqual(len(ids), len(rows(n)))


class DaemonTest(NotifyCase):

    def test_wakes_on_notify_and_stops_on_sigterm(self):
        p = run_notify(self.sink.url, "--interval", "600", wait=False)
        try:
            time.sleep(1)       # past its first pass, waiting
            n = self.new_ticket()
            deadline = time.monotonic() + 20
            while (not self.sink.mails(to=self.cust.email, number=n)
                   and time.monotonic() < deadline):
                time.sleep(0.1)
            self.assertEqual(len(self.sink.mails(to=self.cust.email,
                                                 number=n)), 1)
        finally:
            p.send_signal(signal.SIGTERM)
            out, err = p.communicate(timeout=60)
        self.assertEqual(p.returncode, 0, err)
        self.assertIn("stopped", err)

    def test_without_smtp_url_writes_eml_files(self):
        """The local default: no SMTP server, every mail an .eml file in
        TIX_MAIL_DIR, whole, readable by a mail client, the row sent."""
        with tempfile.TemporaryDirectory() as tmp:
            maildir = os.path.join(tmp, "var", "mail")     # made on demand
            n = self.new_ticket(subject="Written to a file")
            p = run_files(maildir)
            self.assertEqual(p.returncode, 0, p.stderr)
            self.assertIn("TIX_SMTP_URL is not set", p.stderr)
            self.assertEqual(stat.S_IMODE(os.stat(maildir).st_mode), 0o700)
            mine = {r["id"]: r for r in rows(n)}
            files = sorted(f for f in os.listdir(maildir)
                           if f.endswith("-%s.eml" % n))
            self.assertEqual(files, ["%012d-%s.eml" % (i, n)
                                     for i in sorted(mine)])
            for f in files:
                path = os.path.join(maildir, f)
                self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o600)
                with open(path, "rb") as fh:
                    raw = fh.read()
                m = email.message_from_bytes(raw, policy=email.policy.default)
                row = mine[int(f.split("-", 1)[0])]
                self.assertEqual(m["To"], row["recipient"])
                self.assertEqual(m["Subject"], "[%s] Written to a file" % n)
                self.assertEqual(m["Message-ID"], "<%d.%s@tix.test>" % (
                    row["id"], n))
                uid = user_id(row["recipient"])
                self.assertEqual(m["Reply-To"], "support+%s.%d.%s@tix.test" % (
                    n, uid, reply_mac(n, uid)))
                self.assertNotIn(b"\n", raw.replace(b"\r\n", b""))
            received = [f for f in files if mine[int(f.split("-", 1)[0])][
                "recipient"] == self.cust.email]
            self.assertEqual(len(received), 1)
            self.assertAllSent(n)
            # No temporary files left; a second pass writes nothing more.
            self.assertEqual([f for f in os.listdir(maildir)
                              if f.startswith(".")], [])
            before = sorted(os.listdir(maildir))
            run_files(maildir)
            self.assertEqual(sorted(os.listdir(maildir)), before)

    def test_senders_at_once_write_each_file_once(self):
        """Three senders draining at once more rows than a claim takes
        (100): every row sent by one of them, tried once, its file in
        place and announced once; no temporary file left."""
        cust = make_user("customer")
        n = self.new_ticket(login(cust), subject="Many at once")
        psql("INSERT INTO outbox (ticket_id, ticket_number, recipient_id,"
             " recipient, kind, subject, body)"
             " SELECT o.ticket_id, o.ticket_number, o.recipient_id,"
             " o.recipient, o.kind, o.subject, o.body"
             " FROM outbox o CROSS JOIN generate_series(1, 349) g"
             " WHERE o.ticket_number = :'p1' AND o.recipient = :'p2'",
             ticket_int(n), cust.email)
        mine = rows(n)
        self.assertGreater(len(mine), 350)
        with tempfile.TemporaryDirectory() as tmp:
            maildir = os.path.join(tmp, "mail")
            env = dict(os.environ)
            env.pop("TIX_SMTP_URL", None)
            env["TIX_MAIL_DIR"] = maildir
            env["TIX_SUPPORT_ADDRESS"] = SUPPORT
            procs = [subprocess.Popen(["tix-notify", "--once"], env=env,
                                      stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE, text=True)
                     for _ in range(3)]
            said = []
            for p in procs:
                out, err = p.communicate(timeout=300)
                self.assertEqual(p.returncode, 0, err)
                said += [int(line.split("outbox ", 1)[1].split(" ", 1)[0])
                         for line in err.splitlines()
                         if ": %s/" % maildir in line]
            files = [f for f in os.listdir(maildir) if f.endswith(
                "-%s.eml" % n)]
            self.assertEqual(sorted(files), sorted(
                "%012d-%s.eml" % (r["id"], n) for r in mine))
            self.assertEqual([f for f in os.listdir(maildir)
                              if f.startswith(".")], [])
        ids = sorted(r["id"] for r in mine)
        self.assertEqual(sorted(said), ids)         # each written once
        after = rows(n)
        self.assertEqual({(r["status"], r["attempts"]) for r in after},
                         {("sent", 1)})

    def test_unwritable_mail_dir_is_retried(self):
        with tempfile.TemporaryDirectory() as tmp:
            blocked = os.path.join(tmp, "not-a-dir")
            with open(blocked, "w") as f:
                f.write("x")
            cust = make_user("customer")
            n = self.new_ticket(login(cust))
            p = run_files(os.path.join(blocked, "mail"))
            self.assertEqual(p.returncode, 0, p.stderr)
            r = rows(n, cust.email)[0]
            self.assertEqual((r["status"], r["attempts"]), ("queued", 1))
            self.assertTrue(r["future"])
            self.assertIn("cannot make", r["last_error"])
            make_due(n)
            maildir = os.path.join(tmp, "mail")
            run_files(maildir)
            self.assertEqual(rows(n, cust.email)[0]["status"], "sent")
            self.assertEqual(len([f for f in os.listdir(maildir)
                                  if f.endswith("-%s.eml" % n)]),
                             len(rows(n)))

    def test_unreachable_database_exits_1(self):
        env = dict(os.environ)
        env["TIX_SMTP_URL"] = self.sink.url
        env["TIX_DATABASE_URL"] = ("postgresql://tix@127.0.0.1:1/tix"
                                   "?connect_timeout=5")
        p = subprocess.run(["tix-notify", "--once"], capture_output=True,
                           text=True, env=env, timeout=60)
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)


if __name__ == "__main__":
    unittest.main()
