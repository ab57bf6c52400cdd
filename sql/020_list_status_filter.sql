-- 020_list_status_filter.sql: the list's status filter as a constant
-- the planner reads, and the open queue of a category in update order.
--
-- The list statements (lib/db/stmt.c) took $2, "a,b", as
-- string_to_array($2, ',')::ticket_status[]: text to an enum is a stable
-- conversion, so even with the value bound the planner kept the
-- expression, estimated the filter at its default selectivity (at a
-- million tickets status=open&category=license: 180,328 rows, where 4,854
-- are) and could not match it to a partial index.  tix_statuses() is
-- immutable (the labels only change by a migration), so with the value
-- bound it is evaluated at planning and the filter is a constant array.
CREATE FUNCTION tix_statuses(list text) RETURNS ticket_status[]
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN string_to_array(list, ',')::ticket_status[];

-- The agents' queue: the open tickets, by category, newest update
-- first.  Open tickets are few (2.5% of a million) but the newest, so
-- walking tickets_updated_idx for them checked 18,037 rows for a page of
-- status=open&category=license (23 to 78 ms); this index gives the page
-- in order (0.6 ms).  Only open tickets are in it, so it is small and
-- most writes (replies, closing) leave or skip it.
CREATE INDEX tickets_open_idx ON tickets (category, updated_at DESC, id DESC)
    WHERE status = 'open';
