-- 006_inbound.sql: mail in (tix-mailin, lib/mail/ingest.c).
--
-- inbound_messages: every message tix-mailin has decided on, by its
-- Message-ID, so that the same message is never ingested twice (an MTA
-- that delivers again after a lost answer, a message sent to two of our
-- addresses).  The unique index makes a second delivery wait for the
-- first's transaction and then find the row.  A message without a
-- Message-ID cannot be recognised again and is recorded with NULL.
--
-- inbound_review: what was not turned into a ticket or a reply (unknown
-- senders, rejected replies, replies to closed tickets, auto-replies and
-- bounces), kept for agents to look at.  Only an excerpt of the text is
-- kept.

CREATE TYPE inbound_outcome AS ENUM ('ticket', 'reply', 'review');

CREATE TABLE inbound_messages (
    id          bigserial PRIMARY KEY,
    message_id  text CHECK (length(message_id) BETWEEN 1 AND 250),
    outcome     inbound_outcome NOT NULL,
    ticket_id   bigint REFERENCES tickets(id) ON DELETE SET NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX inbound_messages_message_id_key
    ON inbound_messages (message_id);

CREATE TABLE inbound_review (
    id            bigserial PRIMARY KEY,
    message_id    text CHECK (length(message_id) BETWEEN 1 AND 250),
    from_address  text CHECK (length(from_address) <= 254),
    subject       text NOT NULL CHECK (length(subject) <= 200),
    body_excerpt  text NOT NULL CHECK (length(body_excerpt) <= 2000),
    reason        text NOT NULL CHECK (length(reason) BETWEEN 1 AND 200),
    -- The ticket the message named, when it named one.
    ticket_id     bigint REFERENCES tickets(id) ON DELETE SET NULL,
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX inbound_review_created_idx ON inbound_review (created_at);
