-- 010_two_factor.sql: two-factor login with an authenticator app.
--
-- totp_secret and totp_pending hold the TOTP secret sealed under the key
-- of TIX_TOTP_KEY_FILE (lib/crypto/secret.c: hex of nonce and
-- ciphertext), never in the clear; totp_pending is a secret being set
-- up, totp_secret the one in use (2FA is on when it is set).
-- totp_last_step is the time step of the last code accepted: a code of
-- that step or an earlier one is never accepted again.
ALTER TABLE users ADD COLUMN totp_secret text;
ALTER TABLE users ADD COLUMN totp_pending text;
ALTER TABLE users ADD COLUMN totp_last_step bigint;
ALTER TABLE users ADD COLUMN totp_enabled_at timestamptz;

-- Ten single-use codes for a lost phone, made when 2FA is turned on.
-- Only their SHA-256 is kept (each has 60 random bits, like a token).
CREATE TABLE recovery_codes (
    id          bigserial PRIMARY KEY,
    user_id     bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    code_hash   bytea NOT NULL CHECK (length(code_hash) = 32),
    used_at     timestamptz,
    UNIQUE (user_id, code_hash)
);

-- A password that was right for a user with 2FA: the login waits for a
-- code.  Only the SHA-256 of the challenge token is kept; a challenge
-- ends after 5 minutes, 5 wrong codes or its one success.
CREATE TABLE login_challenges (
    id          bigserial PRIMARY KEY,
    user_id     bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    token_hash  bytea NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    failures    int NOT NULL DEFAULT 0,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_challenges_created_idx ON login_challenges (created_at);

-- two_factor: the session was opened with a second factor (or 2FA was
-- turned on in it).  setup_only: a staff member without 2FA while
-- TIX_REQUIRE_2FA_FOR_STAFF is on, who may only set it up.
ALTER TABLE sessions ADD COLUMN two_factor boolean NOT NULL DEFAULT false;
ALTER TABLE sessions ADD COLUMN setup_only boolean NOT NULL DEFAULT false;
