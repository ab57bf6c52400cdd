-- 015_list_keyset.sql: an index for every order of the ticket list, so
-- that a page, first or reached by cursor (a row comparison on the
-- order's keys and id), is read from the index without sorting the
-- matching tickets.  The agents' updated and created orders have theirs
-- (001), and the customers' updated order (004).
CREATE INDEX tickets_priority_idx ON tickets (priority DESC, id DESC);
CREATE INDEX tickets_requester_created_idx
    ON tickets (requester_id, created_at DESC, id DESC);
CREATE INDEX tickets_requester_priority_idx
    ON tickets (requester_id, priority DESC, id DESC);
-- The status and category filters (the list statements compare the
-- enums themselves): the capped count of a filtered list, and its page
-- when few tickets pass, read these instead of the whole table.
CREATE INDEX tickets_status_category_idx ON tickets (status, category);
CREATE INDEX tickets_category_idx ON tickets (category);
