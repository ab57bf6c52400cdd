-- 002_lifecycle.sql: idempotent creates and the scheduler's lookups.

-- A client's Idempotency-Key, per user: the first create's request hash
-- and ticket.  Kept for a day (tix-scheduler prunes older keys).
CREATE TABLE idempotency_keys (
    user_id       bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    key           text NOT NULL CHECK (length(key) BETWEEN 1 AND 100),
    request_hash  text NOT NULL,
    ticket_id     bigint REFERENCES tickets(id) ON DELETE CASCADE,
    created_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, key)
);
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);

-- The scheduler's two questions, answered from small partial indexes.
CREATE INDEX tickets_resolved_idx ON tickets (resolved_at)
    WHERE status = 'resolved';
CREATE INDEX tickets_unanswered_idx ON tickets (first_response_due_at)
    WHERE first_response_at IS NULL AND sla_breached_at IS NULL;
