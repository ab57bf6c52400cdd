-- 020_list_status_filter.sql: the list's status filter as a constant
-- the planner reads (the open queue's index is 021, built concurrently).
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
