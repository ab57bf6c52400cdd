-- 012_security_events.sql: the audit trail of account security.
--
-- One row per login, failed login, second step, 2FA change, password
-- change or reset and session revocation: who (the user, when the
-- e-mail address names one), from where (client address, user agent),
-- when, and how it ended.  Append-only: a trigger refuses UPDATE,
-- DELETE and TRUNCATE, so the application role cannot rewrite history
-- (a superuser still can: keep the database's own logs too).  Read by
-- admins with `tix-admin security-events --email E`; no route shows it.
CREATE TABLE security_events (
    id          bigserial PRIMARY KEY,
    user_id     bigint REFERENCES users(id),
    email       text NOT NULL CHECK (length(email) <= 254),
    kind        text NOT NULL CHECK (kind IN (
                    'login', 'login_2fa', 'logout', 'password_change',
                    'password_reset_request', 'password_reset',
                    '2fa_setup', '2fa_enable', '2fa_disable', '2fa_reset',
                    'session_revoke', 'sessions_revoke_others',
                    'admin_logout')),
    outcome     text NOT NULL CHECK (outcome IN
                    ('success', 'failure', 'rate_limited')),
    address     text NOT NULL CHECK (length(address) <= 64),
    user_agent  text NOT NULL CHECK (length(user_agent) <= 512),
    at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX security_events_user_idx ON security_events (user_id, at);
CREATE INDEX security_events_email_idx ON security_events (email, at);

CREATE FUNCTION tix_security_events_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'security_events is append-only';
END;
$$;
CREATE TRIGGER security_events_no_update
    BEFORE UPDATE OR DELETE ON security_events
    FOR EACH ROW EXECUTE FUNCTION tix_security_events_append_only();
CREATE TRIGGER security_events_no_truncate
    BEFORE TRUNCATE ON security_events
    FOR EACH STATEMENT EXECUTE FUNCTION tix_security_events_append_only();
