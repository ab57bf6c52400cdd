-- 025_ticket_counts.sql: how many tickets there are of each status,
-- assigned or not, kept in the same transaction as every change.
--
-- An agent's list counts the tickets it shows (exactly up to 10,000),
-- and GET /api/tickets/stats counted every ticket by status: at a million
-- tickets that was a scan of the table, 360 ms a call.  These counts make
-- both a sum of a few rows, exact as a count(*) in the same snapshot,
-- since they change in the transaction that changes the ticket.
--
-- A key's count is the sum of up to 64 rows: a change adds to the row of
-- its database session (pg_backend_pid() modulo 64, so a row may go
-- below zero), so that concurrent writers, each in a session of its own,
-- do not wait for each other's row lock until commit.  A change of
-- status or assignment adjusts its two rows in one statement, in key
-- order, so that two sessions that share rows never deadlock.
--
-- The table is filled while tickets is locked against writes (reads go
-- on; the triggers exist from then on): one scan of the tickets, about
-- a second at a million (docs/upgrade.md).  A migration that cannot get
-- the lock within 5 s fails, to be run again, rather than queue every
-- write behind it.
SET LOCAL lock_timeout = '5s';
CREATE TABLE ticket_counts (
    status      ticket_status NOT NULL,
    unassigned  boolean NOT NULL,
    shard       smallint NOT NULL,
    n           bigint NOT NULL,
    PRIMARY KEY (status, unassigned, shard)
) WITH (fillfactor = 50);

LOCK TABLE tickets IN SHARE ROW EXCLUSIVE MODE;

-- The counts made again from the tickets: here, and after a load that
-- ran without triggers (session_replication_role = replica, as
-- bench/seed.sql does), which leaves them behind.
CREATE FUNCTION tix_ticket_counts_fill() RETURNS void
    LANGUAGE sql AS $$
    DELETE FROM ticket_counts;
    INSERT INTO ticket_counts (status, unassigned, shard, n)
    SELECT status, assignee_id IS NULL, 0, count(*)
      FROM tickets GROUP BY 1, 2;
$$;
SELECT tix_ticket_counts_fill();

-- Rows inserted or deleted by one statement: one upsert per key.
CREATE FUNCTION tix_ticket_counts_rows() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO ticket_counts AS c (status, unassigned, shard, n)
        SELECT status, assignee_id IS NULL,
               (pg_backend_pid() % 64)::smallint, count(*)
          FROM new_rows GROUP BY 1, 2 ORDER BY 1, 2
        ON CONFLICT (status, unassigned, shard)
        DO UPDATE SET n = c.n + EXCLUDED.n;
    ELSE
        INSERT INTO ticket_counts AS c (status, unassigned, shard, n)
        SELECT status, assignee_id IS NULL,
               (pg_backend_pid() % 64)::smallint, -count(*)
          FROM old_rows GROUP BY 1, 2 ORDER BY 1, 2
        ON CONFLICT (status, unassigned, shard)
        DO UPDATE SET n = c.n + EXCLUDED.n;
    END IF;
    RETURN NULL;
END;
$$;

-- One ticket's new status or assignment: its old key loses it, its new
-- one gains it.
CREATE FUNCTION tix_ticket_counts_change() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO ticket_counts AS c (status, unassigned, shard, n)
    SELECT k.status, k.unassigned, (pg_backend_pid() % 64)::smallint, k.d
      FROM (VALUES (OLD.status, OLD.assignee_id IS NULL, -1),
                   (NEW.status, NEW.assignee_id IS NULL, 1))
           k(status, unassigned, d)
     ORDER BY k.status, k.unassigned
    ON CONFLICT (status, unassigned, shard)
    DO UPDATE SET n = c.n + EXCLUDED.n;
    RETURN NULL;
END;
$$;

CREATE FUNCTION tix_ticket_counts_truncate() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM ticket_counts;
    RETURN NULL;
END;
$$;

CREATE TRIGGER tickets_count_insert AFTER INSERT ON tickets
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION tix_ticket_counts_rows();
CREATE TRIGGER tickets_count_delete AFTER DELETE ON tickets
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION tix_ticket_counts_rows();
CREATE TRIGGER tickets_count_change AFTER UPDATE OF status, assignee_id
    ON tickets FOR EACH ROW
    WHEN (OLD.status IS DISTINCT FROM NEW.status
          OR (OLD.assignee_id IS NULL) <> (NEW.assignee_id IS NULL))
    EXECUTE FUNCTION tix_ticket_counts_change();
CREATE TRIGGER tickets_count_truncate AFTER TRUNCATE ON tickets
    FOR EACH STATEMENT EXECUTE FUNCTION tix_ticket_counts_truncate();
