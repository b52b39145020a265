-- LACES schema, version 3: one edit lock covers a set of components (NULL: the whole twin),
-- and records why it ended.
ALTER TABLE edit_locks ADD COLUMN components text[];
UPDATE edit_locks SET components = ARRAY[component] WHERE component IS NOT NULL;
DROP INDEX edit_locks_active_idx;
ALTER TABLE edit_locks DROP COLUMN component;
ALTER TABLE edit_locks ADD COLUMN release_reason text
    CHECK (release_reason IN ('released', 'expired', 'forced'));
ALTER TABLE edit_locks ADD CONSTRAINT edit_locks_components_check
    CHECK (components IS NULL OR cardinality(components) BETWEEN 1 AND 1000);
CREATE INDEX edit_locks_active_idx ON edit_locks (twin_id) WHERE released_at IS NULL;
-- The lease length a heartbeat renews.
ALTER TABLE edit_locks ADD COLUMN ttl_s integer NOT NULL DEFAULT 300 CHECK (ttl_s BETWEEN 1 AND 3600);
