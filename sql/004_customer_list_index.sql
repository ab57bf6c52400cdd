-- 004_customer_list_index.sql: a customer's list is sorted by what the
-- customer sees change (customer_updated_at), so index that order; the
-- old index on (requester_id, updated_at) served no query.
DROP INDEX tickets_requester_idx;
CREATE INDEX tickets_requester_idx
    ON tickets (requester_id, customer_updated_at DESC, id DESC);
