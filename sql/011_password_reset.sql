-- 011_password_reset.sql: resetting a forgotten password by e-mail.
--
-- A reset request stores only the SHA-256 of its token (256 random bits,
-- in the mailed link).  A token works once, within an hour, for an
-- enabled user; using one voids the user's other tokens.
CREATE TABLE password_resets (
    id          bigserial PRIMARY KEY,
    user_id     bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    token_hash  bytea NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    created_at  timestamptz NOT NULL DEFAULT now(),
    used_at     timestamptz
);
CREATE INDEX password_resets_user_idx ON password_resets (user_id);

-- The reset mail goes through the outbox like every notice, but belongs
-- to no ticket: no ticket, number or reply token (tix-notify then sets
-- no Reply-To and no thread headers).
ALTER TYPE outbox_kind ADD VALUE 'password_reset';
ALTER TABLE outbox ALTER COLUMN ticket_id DROP NOT NULL;
ALTER TABLE outbox ALTER COLUMN ticket_number DROP NOT NULL;
ALTER TABLE outbox ALTER COLUMN reply_token DROP NOT NULL;
ALTER TABLE outbox ADD CHECK ((ticket_id IS NULL) = (reply_token IS NULL)
    AND (ticket_id IS NULL) = (ticket_number IS NULL));

-- Throttling counts reset requests apart from failed logins ('login':
-- passwords and codes; 'reset': reset requests), with the same limits.
ALTER TABLE login_failures ADD COLUMN kind text NOT NULL DEFAULT 'login'
    CHECK (kind IN ('login', 'reset'));
