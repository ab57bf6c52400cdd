-- 003_attachments.sql: files on tickets, encrypted at rest.
--
-- A file is one row in attachments and its content, encrypted, in
-- attachment_chunks: 64 KiB of plaintext per chunk, each sealed with
-- libsodium's secretstream (XChaCha20-Poly1305) under a key derived from
-- the master key (TIX_ATTACHMENT_KEY_FILE, never in the database) and
-- key_id.  header is the stream's header.  Nothing here can be read
-- without the master key; a changed byte fails authentication.
--
-- A file is written in the same transaction as the ticket, reply or
-- upload it belongs to: the row is inserted when its part starts (so
-- that its chunks can follow), completed when the part ends, and linked
-- to the ticket and timeline entry once they exist.  A deferred
-- constraint trigger refuses a commit that would leave a row unlinked or
-- incomplete, so that a row outside a ticket can never be stored.

CREATE TABLE attachments (
    id            bigserial PRIMARY KEY,
    ticket_id     bigint REFERENCES tickets(id) ON DELETE CASCADE,
    entry_id      bigint REFERENCES ticket_entries(id) ON DELETE CASCADE,
    uploader_id   bigint NOT NULL REFERENCES users(id),
    -- The display name, sanitised: no path, no control characters, no
    -- quotes or backslashes; at most 255 bytes of UTF-8.
    filename      text NOT NULL
                  CHECK (octet_length(filename) BETWEEN 1 AND 255
                         AND filename !~ '[/\\"[:cntrl:]]'),
    -- Decided by the server from the content, never the client's claim.
    content_type  text CHECK (content_type IN ('image/png', 'image/jpeg',
                  'image/gif', 'application/pdf',
                  'text/plain; charset=utf-8')),
    size          bigint NOT NULL DEFAULT 0 CHECK (size >= 0),
    sha256        bytea CHECK (length(sha256) = 32),   -- of the plaintext
    key_id        bigint NOT NULL,
    header        bytea NOT NULL CHECK (length(header) = 24),
    nchunks       integer NOT NULL DEFAULT 0 CHECK (nchunks >= 0),
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX attachments_ticket_idx ON attachments (ticket_id, id);
CREATE INDEX attachments_entry_idx ON attachments (entry_id);

CREATE TABLE attachment_chunks (
    attachment_id bigint NOT NULL REFERENCES attachments(id)
                  ON DELETE CASCADE,
    seq           integer NOT NULL CHECK (seq >= 0),
    data          bytea NOT NULL,
    PRIMARY KEY (attachment_id, seq)
);
-- Ciphertext does not compress: store it out of line without trying.
ALTER TABLE attachment_chunks ALTER COLUMN data SET STORAGE EXTERNAL;

CREATE FUNCTION tix_attachment_check() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM attachments a WHERE a.id = NEW.id
               AND (a.ticket_id IS NULL OR a.entry_id IS NULL
                    OR a.sha256 IS NULL OR a.content_type IS NULL
                    OR a.nchunks = 0)) THEN
        RAISE EXCEPTION 'attachment % is incomplete or unlinked', NEW.id
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END
$$;
CREATE CONSTRAINT TRIGGER attachments_complete
    AFTER INSERT OR UPDATE ON attachments
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION tix_attachment_check();
