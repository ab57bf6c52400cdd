-- 014_review_queue.sql: the review queue agents work through
-- (GET /api/tickets/inbound and its actions).
--
-- Turning a kept mail into a ticket or a message needs its whole text,
-- not the 2,000-character excerpt: body keeps the decoded text (up to
-- 100,000 characters; a ticket takes 20,000 of it).  Rows kept before
-- this have their excerpt as their text.  A row leaves the queue when
-- an agent acts on it (the action and the DELETE share a transaction).
ALTER TABLE inbound_review
    ADD COLUMN body text NOT NULL DEFAULT '' CHECK (length(body) <= 100000);
UPDATE inbound_review SET body = body_excerpt;
ALTER TABLE inbound_review ALTER COLUMN body DROP DEFAULT;
-- The queue's order: newest first.
CREATE INDEX inbound_review_newest_idx ON inbound_review
    (created_at DESC, id DESC);
DROP INDEX inbound_review_created_idx;
