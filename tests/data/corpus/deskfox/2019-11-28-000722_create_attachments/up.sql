CREATE TABLE attachments (
    id SERIAL PRIMARY KEY,
    comment_id INTEGER NOT NULL REFERENCES comments (id) ON DELETE CASCADE,
    file_name VARCHAR NOT NULL,
    content_type VARCHAR NOT NULL,
    byte_size INTEGER NOT NULL,
    storage_key VARCHAR NOT NULL,
    created_at TIMESTAMP NOT NULL DEFAULT NOW()
);
CREATE INDEX attachments_comment ON attachments (comment_id);
