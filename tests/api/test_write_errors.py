"""Every write path answers an error, and leaves every row as it was,
when a statement inside its transaction fails (security.md F: a failure
half-way).  A trigger installed here raises on the timeline row of a
ticket whose subject carries the poison mark; each path writes such a row
late in its transaction, after the ticket, its files or its outbox rows
(tixflow.install_poison).
"""
import unittest

from tixclient import cast, psql, ticket_body
from tixflow import (POISON, FlowCase, install_poison, poison, remove_poison,
                     set_status, tpath)
from test_attachments import PNG, multipart, ticket_parts

def totals():
    return psql("SELECT (SELECT count(*) FROM tickets) || ','"
                " || (SELECT count(*) FROM ticket_entries) || ','"
                " || (SELECT count(*) FROM attachments) || ','"
                " || (SELECT count(*) FROM attachment_chunks) || ','"
                " || (SELECT count(*) FROM outbox) || ','"
                " || (SELECT count(*) FROM idempotency_keys)")


class WriteErrorTest(FlowCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cast(cls, admin=True)
        install_poison()

    @classmethod
    def tearDownClass(cls):
        remove_poison()
        super().tearDownClass()

    def fails(self, send, *numbers):
        """send() is answered 500 internal; no row anywhere changed."""
        before = totals()
        with self.nothing_written(*numbers):
            r = send()
            self.assertError(r, 500, "internal")
        self.assertEqual(totals(), before)

    def poisoned_ticket(self, status=None):
        n = self.new_ticket(self.c)
        if status is not None:
            set_status(n, status)
        poison(n)
        return n

    def test_create(self):
        self.fails(lambda: self.c.post("/api/tickets", ticket_body(
            subject="New " + POISON)))

    def test_create_with_idempotency_key(self):
        self.fails(lambda: self.c.post(
            "/api/tickets", ticket_body(subject="Key " + POISON),
            headers={"Idempotency-Key": "poison-" + POISON[1:7]}))

    def test_create_with_files(self):
        body, ctype = multipart(ticket_parts([("a.png", PNG, "image/png")],
                                             subject="Files " + POISON))
        self.fails(lambda: self.c.post("/api/tickets", raw=body,
                                       content_type=ctype))

    def test_reply(self):
        n = self.poisoned_ticket()
        self.fails(lambda: self.c.post(tpath(n, "/messages"),
                                       {"body": "a reply"}), n)

    def test_reply_with_files(self):
        n = self.poisoned_ticket()
        body, ctype = multipart([("body", None, "with a file"),
                                 ("attachments", "b.png", PNG, "image/png")])
        self.fails(lambda: self.c.post(tpath(n, "/messages"), raw=body,
                                       content_type=ctype), n)

    def test_note(self):
        n = self.poisoned_ticket()
        self.fails(lambda: self.a.post(tpath(n, "/messages"),
                                       {"body": "a note", "internal": True}),
                   n)

    def test_patch(self):
        n = self.poisoned_ticket()
        self.fails(lambda: self.a.patch(tpath(n), {
            "status": "in_progress", "priority": "high"}), n)

    def test_reopen(self):
        n = self.poisoned_ticket("closed")
        self.fails(lambda: self.c.post(tpath(n, "/reopen"),
                                       {"body": "broken again"}), n)

    def test_upload(self):
        n = self.poisoned_ticket()
        body, ctype = multipart([("attachments", "c.png", PNG, "image/png")])
        self.fails(lambda: self.c.post(tpath(n, "/attachments"), raw=body,
                                       content_type=ctype), n)

    def test_the_same_requests_succeed_without_the_poison(self):
        n = self.new_ticket(self.c)
        r = self.c.post(tpath(n, "/messages"), {"body": "a reply"})
        self.assertJson(r, 201)
        r = self.a.patch(tpath(n), {"status": "in_progress"})
        self.assertJson(r, 200)


if __name__ == "__main__":
    unittest.main()
