-- 007_search.sql: full-text search with PostgreSQL's own text search.
--
-- tix_search is the one text search configuration of the product: the
-- built-in english one (its parser, stop words and Snowball stemmer), with
-- unaccent in front of the stemmer for words with non-ASCII letters, so
-- that "activate" finds "activation" and "muller" finds "Müller".  It is
-- named in every to_tsvector/plainto_tsquery call as a constant, never
-- taken from default_text_search_config, so the index and the queries
-- always agree.
--
-- unaccent is a trusted extension (PostgreSQL 13 and later): the owner of
-- the database may create it, so the migration runs as the tix role and
-- needs no superuser.
--
-- The vectors are generated columns, so PostgreSQL computes them in the
-- statement (and so the transaction) that writes the text: a write is
-- searchable as soon as it commits.  What a customer may search and what
-- only agents may search are different columns:
--   tickets.subject_search       the subject, weight A
--   tickets.description_search   the description, weight B
--   ticket_entries.search        public messages and reopen messages,
--                                weight C ("created" entries hold the
--                                description again and are left out)
--   ticket_entries.note_search   internal notes, weight C; read only by
--                                the agents' statements (lib/db/stmt.c)

CREATE EXTENSION IF NOT EXISTS unaccent;

CREATE TEXT SEARCH CONFIGURATION tix_search (COPY = english);
-- The ASCII token types (asciiword, asciihword, hword_asciipart) have no
-- accents to remove; the others go through unaccent, then the stemmer.
ALTER TEXT SEARCH CONFIGURATION tix_search
    ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem;

ALTER TABLE tickets
    ADD COLUMN subject_search tsvector GENERATED ALWAYS AS
        (setweight(to_tsvector('tix_search'::regconfig, subject), 'A'))
        STORED,
    ADD COLUMN description_search tsvector GENERATED ALWAYS AS
        (setweight(to_tsvector('tix_search'::regconfig, description), 'B'))
        STORED;
CREATE INDEX tickets_subject_search_idx ON tickets USING gin (subject_search);
CREATE INDEX tickets_description_search_idx
    ON tickets USING gin (description_search);

ALTER TABLE ticket_entries
    ADD COLUMN search tsvector GENERATED ALWAYS AS
        (CASE WHEN NOT internal AND type IN ('message', 'reopened')
         THEN setweight(to_tsvector('tix_search'::regconfig,
                                    coalesce(body, '')), 'C') END) STORED,
    ADD COLUMN note_search tsvector GENERATED ALWAYS AS
        (CASE WHEN internal AND type = 'note'
         THEN setweight(to_tsvector('tix_search'::regconfig,
                                    coalesce(body, '')), 'C') END) STORED;
CREATE INDEX ticket_entries_search_idx ON ticket_entries USING gin (search)
    WHERE search IS NOT NULL;
CREATE INDEX ticket_entries_note_search_idx
    ON ticket_entries USING gin (note_search) WHERE note_search IS NOT NULL;

-- One search term as a tsquery.  kind is what lib/tickets/search.c made
-- of the words of q: 'w' a word (every form of it), 'p' a quoted phrase,
-- 'x' a prefix (the word without its '*').  The text goes through
-- plainto_tsquery or phraseto_tsquery, which read every character as
-- text: no operator of the tsquery syntax in it means anything.  A prefix
-- marks the last lexeme of the word's own tsquery (PostgreSQL's quoting,
-- so the lexeme is never re-parsed as syntax) as a prefix.  A term of
-- stop words or punctuation only is the empty tsquery.
CREATE FUNCTION tix_search_term(kind text, term text) RETURNS tsquery
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN CASE kind
        WHEN 'p' THEN phraseto_tsquery('tix_search'::regconfig, term)
        WHEN 'x' THEN CASE
            WHEN numnode(plainto_tsquery('tix_search'::regconfig, term)) = 0
            THEN plainto_tsquery('tix_search'::regconfig, term)
            ELSE (plainto_tsquery('tix_search'::regconfig, term)::text
                  || ':*')::tsquery END
        ELSE plainto_tsquery('tix_search'::regconfig, term) END;

-- The terms of a search ($9 of the list statements: the array of
-- lib/tickets/search_parse.c, each element a kind letter and the text),
-- numbered, without those that are empty tsqueries.  Every term must
-- match somewhere in a ticket.
CREATE FUNCTION tix_search_terms(terms text[])
    RETURNS TABLE (i bigint, query tsquery)
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
BEGIN ATOMIC
    SELECT s.i, s.query FROM (SELECT u.i,
        tix_search_term(left(u.w, 1), substr(u.w, 2))
        FROM unnest(terms) WITH ORDINALITY AS u(w, i)) AS s(i, query)
    WHERE numnode(s.query) > 0;
END;

-- Any of the terms, as one tsquery: what ranks a ticket and what its
-- excerpt highlights.  NULL when no term has a lexeme.
CREATE AGGREGATE tix_tsquery_or(tsquery) (SFUNC = tsquery_or,
    STYPE = tsquery, PARALLEL = SAFE);
CREATE FUNCTION tix_search_any(terms text[]) RETURNS tsquery
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN (SELECT tix_tsquery_or(t.query) FROM tix_search_terms(terms) t);

-- The ILIKE search's helper is no longer used by any statement.
DROP FUNCTION tix_like(text);
