-- 019_attachment_quota.sql: the per-user daily upload quota
-- (TIX_MAX_UPLOAD_BYTES_PER_DAY, docs/security.md) sums one user's files
-- of the last 24 hours on every submission with files: an index for it.
CREATE INDEX attachments_uploader_created_idx
    ON attachments (uploader_id, created_at);
