-- 022_account_delete.sql: `tix-admin account delete` removes an
-- account's users.  Their security events stay (the audit trail of who
-- logged in from where, under the address they used), no longer linked
-- to a user: the one change the append-only trigger lets through.
-- NOT VALID: the rows are checked by 023 without holding the lock that
-- blocks new events (logins) while a big table is read.
ALTER TABLE security_events
    DROP CONSTRAINT security_events_user_id_fkey,
    ADD CONSTRAINT security_events_user_id_fkey FOREIGN KEY (user_id)
        REFERENCES users(id) ON DELETE SET NULL NOT VALID;

CREATE OR REPLACE FUNCTION tix_security_events_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.user_id IS NOT NULL
       AND NEW.user_id IS NULL
       AND (NEW.id, NEW.email, NEW.kind, NEW.outcome, NEW.address,
            NEW.user_agent, NEW.at) IS NOT DISTINCT FROM
           (OLD.id, OLD.email, OLD.kind, OLD.outcome, OLD.address,
            OLD.user_agent, OLD.at)
       AND NOT EXISTS (SELECT 1 FROM users WHERE id = OLD.user_id) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'security_events is append-only';
END;
$$;
