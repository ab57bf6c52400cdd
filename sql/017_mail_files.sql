-- 017_mail_files.sql: files by mail (tix-mailin, lib/mail/ingest.c).
--
-- A mail's files follow the file rules of uploads (type by content,
-- TIX_MAX_FILE_BYTES, TIX_MAX_FILES) and are stored as uploads are, in
-- attachments.  A file refused leaves the rest of the mail in: the
-- timeline entry the mail became lists it, with why, as
-- "refused_attachments" (docs/api.md); only the name and the reason are
-- kept, never the content.
--
-- A mail kept for review keeps its files too, on its inbound_review row
-- (review_id) until an agent acts on it: turned into a ticket or
-- appended, they move to the ticket and its entry; discarded (or pruned
-- by retention), they go with the row.  A file of a stranger's mail has
-- no uploader until then.

CREATE TABLE entry_refused_files (
    id         bigserial PRIMARY KEY,
    entry_id   bigint REFERENCES ticket_entries(id) ON DELETE CASCADE,
    review_id  bigint REFERENCES inbound_review(id) ON DELETE CASCADE,
    -- The display name, cleaned as attachments.filename is.
    filename   text NOT NULL
               CHECK (octet_length(filename) BETWEEN 1 AND 255
                      AND filename !~ '[/\\"[:cntrl:]]'),
    reason     text NOT NULL CHECK (length(reason) BETWEEN 1 AND 200),
    CHECK (num_nonnulls(entry_id, review_id) = 1)
);
CREATE INDEX entry_refused_files_entry_idx ON entry_refused_files
    (entry_id, id);
CREATE INDEX entry_refused_files_review_idx ON entry_refused_files
    (review_id) WHERE review_id IS NOT NULL;

ALTER TABLE attachments
    ALTER COLUMN uploader_id DROP NOT NULL,
    ADD COLUMN review_id bigint REFERENCES inbound_review(id)
        ON DELETE CASCADE;
CREATE INDEX attachments_review_idx ON attachments (review_id)
    WHERE review_id IS NOT NULL;

-- Complete, and linked to a ticket and entry or to a kept mail; only a
-- kept mail's file may have no uploader (checked at commit: the row is
-- inserted before it is linked).
CREATE OR REPLACE FUNCTION tix_attachment_check() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM attachments a WHERE a.id = NEW.id
               AND ((a.review_id IS NULL
                     AND (a.ticket_id IS NULL OR a.entry_id IS NULL))
                    OR (a.uploader_id IS NULL AND a.review_id IS NULL)
                    OR a.sha256 IS NULL OR a.content_type IS NULL
                    OR a.nchunks = 0)) THEN
        RAISE EXCEPTION 'attachment % is incomplete or unlinked', NEW.id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END
$$;
