-- 013_mail_senders.sql: reply addresses per recipient; Message-IDs per
-- sender.
--
-- A notification's Reply-To now names its ticket, its recipient and a
-- MAC over both under a server key (lib/crypto/replymac.h); nothing of it
-- is stored, so the per-ticket token that every recipient shared goes.
-- Replies to addresses of the old form are matched like any other mail
-- (In-Reply-To, References, [TICK-n]: the requester's own address only).
ALTER TABLE outbox DROP COLUMN reply_token;
ALTER TABLE tickets DROP COLUMN reply_token;
-- A row of no ticket (an account's mail) has neither id nor number.
ALTER TABLE outbox ADD CHECK ((ticket_id IS NULL) = (ticket_number IS NULL));

-- A Message-ID is decided on once per sender address, and per result of
-- the mail server's authentication check: a stranger who sends first
-- with a customer's next Message-ID claims it only for the stranger's
-- own address, and a forged copy that failed DMARC (kept for review)
-- does not block the genuine one.  Earlier rows keep an empty sender.
ALTER TABLE inbound_messages
    ADD COLUMN from_address text CHECK (length(from_address) <= 254),
    ADD COLUMN auth_failed boolean NOT NULL DEFAULT false;
DROP INDEX inbound_messages_message_id_key;
CREATE UNIQUE INDEX inbound_messages_sender_key ON inbound_messages
    (coalesce(from_address, ''), message_id, auth_failed);
