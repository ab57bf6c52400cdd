-- 020_mail_refused_files.sql: the files of a mail that were not taken.
--
-- A mail's files follow the file rules of uploads (type by content,
-- TIX_MAX_FILE_BYTES, TIX_MAX_FILES).  A file refused leaves the rest of
-- the mail in; the timeline entry the mail became lists it, with why, as
-- "refused_attachments" (docs/api.md).  Only the name and the reason are
-- kept, never the content.  The rows go with their entry.
CREATE TABLE entry_refused_files (
    id        bigserial PRIMARY KEY,
    entry_id  bigint NOT NULL REFERENCES ticket_entries(id)
              ON DELETE CASCADE,
    -- The display name, cleaned as attachments.filename is.
    filename  text NOT NULL
              CHECK (octet_length(filename) BETWEEN 1 AND 255
                     AND filename !~ '[/\\"[:cntrl:]]'),
    reason    text NOT NULL CHECK (length(reason) BETWEEN 1 AND 200)
);
CREATE INDEX entry_refused_files_entry_idx ON entry_refused_files
    (entry_id, id);
