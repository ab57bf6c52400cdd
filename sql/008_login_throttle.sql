-- 008_login_throttle.sql: failed logins counted per client address.
--
-- Every row is one failure (or a login in progress, claimed before the
-- password is checked: see TIX_STMT_LOGIN_CLAIM) from one client address
-- for one e-mail address.  The limits count rows per (address, email) and
-- per address, so failures sent from elsewhere never lock a user out of
-- their own address.  Rows from before this migration have no address
-- and count for nobody.
ALTER TABLE login_failures ADD COLUMN id bigserial PRIMARY KEY;
ALTER TABLE login_failures ADD COLUMN address text NOT NULL DEFAULT '';
DROP INDEX login_failures_email_idx;
CREATE INDEX login_failures_address_idx
    ON login_failures (address, failed_at);
CREATE INDEX login_failures_failed_at_idx ON login_failures (failed_at);
