-- 016_search_docs.sql: one search document per ticket.
--
-- Until now a ticket matched when each word matched its subject, its
-- description or one of its messages: a join over every message, then a
-- count per ticket, then a rank of every match.  Now each ticket has one
-- row in ticket_search with two vectors, and a ticket is found from one
-- GIN lookup:
--   doc        what a customer may search: the subject (weight A), the
--              description (B) and every public message and reopen
--              message (C), in the order they were written
--   staff_doc  doc and the internal notes (C): read only by the agents'
--              statements (lib/db/stmt.c), so a customer's statement
--              does not name it at all
-- requester_id is the ticket's (it never changes), so that a customer's
-- search and count read ticket_search alone.
--
-- The rows are kept by triggers in the transaction of the write: the
-- ticket's insert makes the row, an entry's insert appends its vector
-- (the generated columns of 007 are computed before AFTER triggers run),
-- and a change of subject or description rebuilds it.  Concurrent
-- appends to one ticket serialise on the row (an UPDATE re-reads the
-- newest version), so none is lost.
--
-- A tsvector holds at most 1 MB of lexemes and positions up to 16,383:
-- past that, appending keeps the lexemes without their positions
-- (strip()), and when even that is too long the text is left out of the
-- document; a write never fails on it.  The vectors are stored out of
-- line (toast_tuple_target), so the table's own pages are narrow and a
-- capped count reads a hundred rows a page.
--
-- The per-field vectors of 007 stay: the list statements read them for
-- the page's 25 rows (which field matched, the excerpt).  Their GIN
-- indexes go: no statement searches them any more.

CREATE TABLE ticket_search (
    ticket_id    bigint PRIMARY KEY REFERENCES tickets(id) ON DELETE CASCADE,
    requester_id bigint NOT NULL,
    doc          tsvector NOT NULL,
    staff_doc    tsvector NOT NULL
) WITH (toast_tuple_target = 128);
ALTER TABLE ticket_search ALTER COLUMN doc SET STORAGE EXTERNAL,
    ALTER COLUMN staff_doc SET STORAGE EXTERNAL;
CREATE INDEX ticket_search_requester_idx ON ticket_search (requester_id);

-- a || b, and when that is too long for a tsvector strip(a) || strip(b),
-- and when even that is, a alone.  Two vectors of less than 512 kB in
-- all always fit (the limit is 1 MB of lexemes), and take the quick way,
-- without the subtransaction of the exception block.
CREATE FUNCTION tix_tsvector_append(a tsvector, b tsvector) RETURNS tsvector
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
    IF b IS NULL THEN
        RETURN a;
    ELSIF pg_column_size(a) + pg_column_size(b) < 524288 THEN
        RETURN a || b;
    END IF;
    BEGIN
        RETURN a || b;
    EXCEPTION WHEN program_limit_exceeded THEN
        BEGIN
            RETURN strip(a) || strip(b);
        EXCEPTION WHEN program_limit_exceeded THEN
            RETURN a;
        END;
    END;
END $$;

CREATE AGGREGATE tix_tsvector_agg(tsvector) (SFUNC = tix_tsvector_append,
    STYPE = tsvector, INITCOND = '');

-- The row of ticket id, made anew from the ticket and its entries.
CREATE FUNCTION tix_search_rebuild(id bigint) RETURNS void
    LANGUAGE sql AS $$
    INSERT INTO ticket_search (ticket_id, requester_id, doc, staff_doc)
    SELECT t.id, t.requester_id,
           tix_tsvector_append(t.subject_search || t.description_search,
               (SELECT tix_tsvector_agg(e.search ORDER BY e.id)
                  FROM ticket_entries e
                 WHERE e.ticket_id = t.id AND e.search IS NOT NULL)),
           tix_tsvector_append(t.subject_search || t.description_search,
               (SELECT tix_tsvector_agg(coalesce(e.search, e.note_search)
                                        ORDER BY e.id)
                  FROM ticket_entries e
                 WHERE e.ticket_id = t.id
                   AND coalesce(e.search, e.note_search) IS NOT NULL))
      FROM tickets t WHERE t.id = $1
    ON CONFLICT (ticket_id) DO UPDATE
       SET doc = excluded.doc, staff_doc = excluded.staff_doc
$$;

CREATE FUNCTION tix_search_ticket_trigger() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO ticket_search (ticket_id, requester_id, doc, staff_doc)
        VALUES (NEW.id, NEW.requester_id,
                NEW.subject_search || NEW.description_search,
                NEW.subject_search || NEW.description_search);
    ELSE
        PERFORM tix_search_rebuild(NEW.id);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER tix_search_ticket AFTER INSERT ON tickets
    FOR EACH ROW EXECUTE FUNCTION tix_search_ticket_trigger();
CREATE TRIGGER tix_search_ticket_text
    AFTER UPDATE OF subject, description ON tickets
    FOR EACH ROW WHEN (OLD.subject IS DISTINCT FROM NEW.subject
                       OR OLD.description IS DISTINCT FROM NEW.description)
    EXECUTE FUNCTION tix_search_ticket_trigger();

CREATE FUNCTION tix_search_entry_trigger() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    UPDATE ticket_search
       SET doc = tix_tsvector_append(doc, NEW.search),
           staff_doc = tix_tsvector_append(staff_doc,
                                           coalesce(NEW.search,
                                                    NEW.note_search))
     WHERE ticket_id = NEW.ticket_id;
    RETURN NULL;
END $$;
CREATE TRIGGER tix_search_entry AFTER INSERT ON ticket_entries
    FOR EACH ROW WHEN (NEW.search IS NOT NULL OR NEW.note_search IS NOT NULL)
    EXECUTE FUNCTION tix_search_entry_trigger();

-- The rows of every ticket that has none yet, in one pass over the
-- entries: for the tickets there are already, and for bulk loads that
-- write with the triggers off (bench/seed.sql).
CREATE FUNCTION tix_search_fill() RETURNS void
    LANGUAGE sql AS $$
    INSERT INTO ticket_search (ticket_id, requester_id, doc, staff_doc)
    SELECT t.id, t.requester_id,
           tix_tsvector_append(t.subject_search || t.description_search,
                               d.doc),
           tix_tsvector_append(t.subject_search || t.description_search,
                               d.staff_doc)
      FROM tickets t
      LEFT JOIN (SELECT e.ticket_id,
                        tix_tsvector_agg(e.search ORDER BY e.id)
                            FILTER (WHERE e.search IS NOT NULL) AS doc,
                        tix_tsvector_agg(coalesce(e.search, e.note_search)
                                         ORDER BY e.id) AS staff_doc
                   FROM ticket_entries e
                  WHERE e.search IS NOT NULL OR e.note_search IS NOT NULL
                  GROUP BY e.ticket_id) d ON d.ticket_id = t.id
     WHERE NOT EXISTS (SELECT 1 FROM ticket_search s
                        WHERE s.ticket_id = t.id)
$$;
SELECT tix_search_fill();

CREATE INDEX ticket_search_doc_idx ON ticket_search USING gin (doc);
CREATE INDEX ticket_search_staff_doc_idx ON ticket_search USING gin (staff_doc);

DROP INDEX tickets_subject_search_idx, tickets_description_search_idx,
    ticket_entries_search_idx, ticket_entries_note_search_idx;

-- The terms of a search ($9 of the list statements: the array of
-- lib/tickets/search_parse.c, each element a kind letter and the text)
-- as one tsquery: tix_search_all() every term (a ticket matches when its
-- document matches this), tix_search_any() any of them (what ranks a
-- ticket and what its excerpt highlights).  Terms that are empty
-- tsqueries (stop words, punctuation) are left out; NULL when no term
-- has a lexeme, and then nothing matches.  In PL/pgSQL, whose plans are
-- kept for the session: a call costs microseconds, where the SQL
-- functions of 007 took a fifth of a millisecond.
CREATE FUNCTION tix_search_query(terms text[], every boolean)
    RETURNS tsquery LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
    w text;
    q tsquery;
    r tsquery;
BEGIN
    FOREACH w IN ARRAY terms LOOP
        q := tix_search_term(left(w, 1), substr(w, 2));
        IF numnode(q) = 0 THEN
            CONTINUE;
        ELSIF r IS NULL THEN
            r := q;
        ELSIF every THEN
            r := r && q;
        ELSE
            r := r || q;
        END IF;
    END LOOP;
    RETURN r;
END $$;
CREATE FUNCTION tix_search_all(terms text[]) RETURNS tsquery
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN tix_search_query(terms, true);
CREATE OR REPLACE FUNCTION tix_search_any(terms text[]) RETURNS tsquery
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN tix_search_query(terms, false);
DROP FUNCTION tix_search_terms(text[]);
DROP AGGREGATE tix_tsquery_or(tsquery);
