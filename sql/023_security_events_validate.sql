-- 023_security_events_validate.sql: the rows of security_events checked
-- against the foreign key 022 made NOT VALID.  VALIDATE CONSTRAINT takes
-- a lock that lets events be written while it reads (docs/upgrade.md).
ALTER TABLE security_events VALIDATE CONSTRAINT security_events_user_id_fkey;
