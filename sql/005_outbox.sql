-- 005_outbox.sql: the notification outbox (transactional outbox).
--
-- A state change and the mails it causes commit in one transaction: the
-- request (or tix-scheduler) inserts one row per message and recipient,
-- with its text composed from the data of that moment; tix-notify sends
-- them later.  Nothing is sent from inside a request.
--
-- tickets.reply_token is a per-ticket secret, 122 random bits from
-- gen_random_uuid() (PostgreSQL's strong random source) as 32 hex digits.
-- It goes into each notification's Reply-To (support+TICK-1001.<token>@...)
-- so that a reply by mail can be matched to its ticket without trusting
-- From: or the subject.  Existing tickets get one each (the default is
-- volatile, so every row gets its own).

ALTER TABLE tickets ADD COLUMN reply_token text NOT NULL
    DEFAULT translate(gen_random_uuid()::text, '-', '')
    CHECK (reply_token ~ '^[0-9a-f]{32}$');

CREATE TYPE outbox_kind AS ENUM (
    'received',         -- to the requester: we opened your ticket
    'reply',            -- to the requester: an agent's public reply
    'status',           -- to the requester: status changed (resolved, closed...)
    'assigned',         -- to the new assignee
    'new_ticket',       -- to agents: a ticket was opened
    'customer_reply',   -- to agents: the requester wrote
    'sla_breach'        -- to agents: the first response is overdue
);
CREATE TYPE outbox_status AS ENUM ('queued', 'sent', 'failed');

CREATE TABLE outbox (
    id              bigserial PRIMARY KEY,
    ticket_id       bigint NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
    -- Copied at enqueue time, with the address: a later change of the
    -- user's address does not redirect a message already written.
    ticket_number   integer NOT NULL,
    recipient_id    bigint NOT NULL REFERENCES users(id),
    recipient       text NOT NULL CHECK (length(recipient) BETWEEN 3 AND 254),
    kind            outbox_kind NOT NULL,
    subject         text NOT NULL CHECK (length(subject) BETWEEN 1 AND 300),
    body            text NOT NULL CHECK (length(body) <= 40000),
    reply_token     text NOT NULL CHECK (reply_token ~ '^[0-9a-f]{32}$'),
    status          outbox_status NOT NULL DEFAULT 'queued',
    -- Counted when a sender claims the row; next_attempt_at is then the
    -- end of the claim's lease, and after a failed try the next retry.
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_error      text CHECK (length(last_error) <= 1000),
    created_at      timestamptz NOT NULL DEFAULT now(),
    sent_at         timestamptz,
    CHECK ((status = 'sent') = (sent_at IS NOT NULL))
);
-- What a sender claims: the queued rows that are due, oldest first.
CREATE INDEX outbox_due_idx ON outbox (next_attempt_at, id)
    WHERE status = 'queued';
CREATE INDEX outbox_ticket_idx ON outbox (ticket_id);
CREATE INDEX outbox_recipient_idx ON outbox (recipient_id);
