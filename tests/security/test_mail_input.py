"""Who sent an inbound mail (security.md 61-63): never taken from a
header the sender writes.  A Reply-To or Sender naming a customer, and
headers that look like our own, make a stranger's mail no one else's.

The reply-token cases (61, 62) are tests/api/test_mailin.py's: a forged
agent From (test_forged_agent_from_is_not_appended), a leaked reply
address (test_customer_token_with_another_from_is_review), a token for
one ticket on another's thread (test_token_for_one_thread_of_another),
wrong MACs (test_wrong_token_is_review)."""

import unittest

from test_mailin import (DOMAIN, MailinCase, inbound, message, msgid_of,
                         tagged)
from tixclient import count_tickets, create_ticket, psql_int, ticket_int


class HeaderIdentityTest(MailinCase):

    def setUp(self):
        self.number = create_ticket(self.c, subject="Mail identity")[
            "number"]

    def test_reply_to_and_sender_of_a_customer_attribute_nothing(self):
        """A stranger's mail that names the customer in Reply-To: or
        Sender:, with the customer's ticket in its subject and thread:
        kept for review under the stranger's address; the customer's
        ticket, tickets and outbox stay as they were."""
        stranger = "mallory-%s@example.org" % self.number.lower()
        tickets = count_tickets(self.cust.email)
        outbox = psql_int("SELECT count(*) FROM outbox")
        for headers in (
                ["Reply-To: <%s>" % self.cust.email],
                ["Sender: <%s>" % self.cust.email],
                ["Reply-To: %s" % self.cust.email,
                 "Sender: %s" % self.cust.email,
                 "In-Reply-To: <TICK-%d@%s>" % (ticket_int(self.number),
                                               DOMAIN)]):
            with self.subTest(headers=headers):
                rv = self.assertNothing(message(
                    stranger, "Re: [%s] Mail identity" % self.number,
                    "Please reset my password", headers=headers), "")
                self.assertEqual(rv[1], stranger)
        self.assertEqual(self.messages(self.number), [])
        self.assertEqual(count_tickets(self.cust.email), tickets)
        self.assertEqual(psql_int("SELECT count(*) FROM outbox"), outbox)

    def test_reply_to_of_another_customer_on_a_customer_mail(self):
        """The customer's own mail with Reply-To: the other customer:
        the ticket is the sender's, and nothing of it reaches the other
        customer (the notices go to the requester's stored address)."""
        raw = message(self.cust.email, "New problem", "From me", headers=[
            "Reply-To: <%s>" % self.other.email])
        self.deliver(raw)
        outcome, number = inbound(msgid_of(raw))
        self.assertEqual(outcome, "ticket")
        t = self.timeline(self.a, "TICK-" + number)
        self.assertEqual(t["requester"]["email"], self.cust.email)
        self.assertError(self.o.get("/api/tickets/TICK-" + number), 404,
                         "not_found")
        self.assertEqual(psql_int(
            "SELECT count(*) FROM outbox WHERE ticket_number = :'p1'"
            " AND lower(recipient) = lower(:'p2')", int(number),
            self.other.email), 0)

    def test_headers_like_ours_are_data(self):
        """Headers a stranger could take for our own control headers:
        the customer's mail opens a ticket of its own, public, and the
        ticket those headers name is untouched.  (Our X-Loop makes a
        mail ignored, never trusted: test_mailin's loop case.)"""
        raw = message(self.cust.email, "Control headers", "Plain", headers=[
            "X-TK-Ticket: %s" % self.number, "X-TK-Internal: true",
            "X-Tix-Ticket: %s" % self.number, "X-Tix-Internal: 1",
            "X-Tix-Actor: %d" % self.agent.id])
        self.deliver(raw)
        outcome, number = inbound(msgid_of(raw))
        self.assertEqual(outcome, "ticket")
        self.assertNotEqual("TICK-" + number, self.number)
        t = self.timeline(self.c, "TICK-" + number)
        self.assertEqual(t["description"].strip(), "Plain")
        self.assertEqual(self.messages(self.number), [])

    def test_token_reply_from_the_recipient_still_works(self):
        """The same headers on a mail that is the customer's by its
        reply token: appended as the customer (so the cases above fail
        for the sender, not for the headers)."""
        raw = message(self.cust.email, "Re: x", "genuine",
                      to=tagged(self.number, self.cust), headers=[
                          "Reply-To: <%s>" % self.other.email])
        self.deliver(raw)
        self.assertEqual(inbound(msgid_of(raw))[0], "reply")
        last = self.messages(self.number)[-1]
        self.assertEqual(last["actor"]["id"], self.cust.id)


if __name__ == "__main__":
    unittest.main()
