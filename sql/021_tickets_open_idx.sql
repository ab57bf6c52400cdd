-- tix:no-transaction
-- 021_tickets_open_idx.sql: the open queue of a category in update order,
-- built without blocking writes (docs/upgrade.md).
--
-- The agents' queue: the open tickets, by category, newest update
-- first.  Open tickets are few (2.5% of a million) but the newest, so
-- walking tickets_updated_idx for them checked 18,037 rows for a page of
-- status=open&category=license (23 to 78 ms); this index gives the page
-- in order (0.6 ms).  Only open tickets are in it, so it is small and
-- most writes (replies, closing) leave or skip it.
CREATE INDEX CONCURRENTLY IF NOT EXISTS tickets_open_idx ON tickets (category, updated_at DESC, id DESC)
    WHERE status = 'open';
