-- 009_sessions.sql: what a user sees of their sessions.
--
-- The client address and user agent at login, for the list of sessions
-- (GET /api/me/sessions).  A session is not bound to either: both may
-- change legitimately while it lasts.
ALTER TABLE sessions ADD COLUMN ip text NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN user_agent text NOT NULL DEFAULT ''
    CHECK (length(user_agent) <= 512);
