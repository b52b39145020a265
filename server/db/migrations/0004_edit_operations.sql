-- LACES schema, version 4: the live edit log. Each operation names its author's replica
-- (editing session) and that replica's counter, so a retried operation is stored once;
-- the operation that displaced it on its key is kept for the record.
ALTER TABLE edit_operations ADD COLUMN replica text NOT NULL DEFAULT '';
ALTER TABLE edit_operations ADD COLUMN replica_counter bigint NOT NULL DEFAULT 0;
ALTER TABLE edit_operations ADD COLUMN superseded_by bigint REFERENCES edit_operations(id) ON DELETE SET NULL;
ALTER TABLE edit_operations ADD COLUMN concurrent boolean NOT NULL DEFAULT false;
ALTER TABLE edit_operations ADD CONSTRAINT edit_operations_value_size_check
    CHECK (value IS NULL OR octet_length(value::text) <= 8192);
CREATE UNIQUE INDEX edit_operations_replica_key ON edit_operations (twin_id, replica, replica_counter);
-- The key's current winner is the one not superseded.
CREATE INDEX edit_operations_current_idx ON edit_operations (twin_id, path, component)
    WHERE applied AND superseded_by IS NULL;

-- Who is on a twin, across instances: one row per WebSocket subscription, touched by its
-- instance while alive, so a crashed instance's rows age out.
ALTER TABLE collaboration_sessions ADD COLUMN connection_id uuid;
ALTER TABLE collaboration_sessions ADD COLUMN role text NOT NULL DEFAULT '';
ALTER TABLE collaboration_sessions ADD COLUMN idle boolean NOT NULL DEFAULT false;
CREATE INDEX collaboration_sessions_instance_idx ON collaboration_sessions (instance_id) WHERE left_at IS NULL;
