-- 018_sms.sql: short text messages (SMS) through the same outbox as mail.
--
-- A row's channel says how tix-notify delivers it: 'mail' (SMTP, or an
-- .eml file) or 'sms' (an HTTP POST to the gateway of TIX_SMS_URL, or a
-- .sms file without one).  An SMS row's recipient is the user's
-- sms_number as it was when the row was written; its body is the whole
-- text.  Claiming, retries and the lease are the same for both, so two
-- senders never send one SMS twice either.

CREATE TYPE outbox_channel AS ENUM ('mail', 'sms');
ALTER TABLE outbox ADD COLUMN channel outbox_channel NOT NULL DEFAULT 'mail';
ALTER TABLE outbox ADD CHECK (channel = 'mail'
    OR (recipient ~ '^\+[1-9][0-9]{6,14}$' AND length(body) <= 480));
