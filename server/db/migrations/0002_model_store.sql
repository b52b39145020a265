-- LACES schema, version 2: model files as PostgreSQL large objects, each model's own
-- component list, and named tags.
--
-- Large objects are written and read in chunks (no whole-file copies in memory) and live
-- in the database that every server instance shares.

ALTER TABLE model_blobs ADD COLUMN content_oid oid;
UPDATE model_blobs SET content_oid = lo_from_bytea(0, content);
ALTER TABLE model_blobs ALTER COLUMN content_oid SET NOT NULL;
ALTER TABLE model_blobs DROP COLUMN content;
ALTER TABLE model_blobs ADD COLUMN mesh_count bigint NOT NULL DEFAULT 0 CHECK (mesh_count >= 0);
ALTER TABLE model_blobs ADD COLUMN instanced_triangle_count bigint NOT NULL DEFAULT 0
    CHECK (instanced_triangle_count >= 0);
ALTER TABLE model_blobs ADD CONSTRAINT model_blobs_content_oid_key UNIQUE (content_oid);

-- The components a model file holds, as found by inspection; a version copies them and
-- adds its own per-component properties (twin_components).
CREATE TABLE model_blob_components (
    sha256          bytea NOT NULL REFERENCES model_blobs(sha256) ON DELETE CASCADE,
    ordinal         integer NOT NULL CHECK (ordinal >= 0),
    name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 300),
    path            text NOT NULL DEFAULT '',
    triangle_count  bigint NOT NULL CHECK (triangle_count >= 0),
    vertex_count    bigint NOT NULL CHECK (vertex_count >= 0),
    bbox_min        double precision[3],
    bbox_max        double precision[3],
    PRIMARY KEY (sha256, ordinal),
    UNIQUE (sha256, name)
);

-- Models stored before this migration: their components as their versions recorded them.
INSERT INTO model_blob_components (sha256, ordinal, name, path, triangle_count, vertex_count, bbox_min, bbox_max)
SELECT sha256, (row_number() OVER (PARTITION BY sha256 ORDER BY name)) - 1, name, path, triangle_count,
       vertex_count, bbox_min, bbox_max
FROM (SELECT DISTINCT ON (v.model_sha256, c.name) v.model_sha256 AS sha256, c.name, c.path, c.triangle_count,
             c.vertex_count, c.bbox_min, c.bbox_max
      FROM twin_components c JOIN twin_versions v ON v.id = c.version_id
      WHERE v.model_sha256 IS NOT NULL ORDER BY v.model_sha256, c.name, v.created_at) AS known;
UPDATE model_blobs b SET instanced_triangle_count =
    coalesce((SELECT sum(triangle_count) FROM model_blob_components m WHERE m.sha256 = b.sha256), 0);

-- Which organizations uploaded which content: a version may only use its own
-- organization's models, although the bytes are stored once.
CREATE TABLE model_blob_owners (
    organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    sha256          bytea NOT NULL REFERENCES model_blobs(sha256) ON DELETE CASCADE,
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (organization_id, sha256)
);
INSERT INTO model_blob_owners (organization_id, sha256)
    SELECT DISTINCT t.organization_id, v.model_sha256
    FROM twin_versions v JOIN digital_twins t ON t.id = v.twin_id WHERE v.model_sha256 IS NOT NULL;

ALTER TABLE twin_versions ADD COLUMN model_filename text CHECK (length(model_filename) <= 255);
ALTER TABLE twin_components ADD COLUMN ordinal integer NOT NULL DEFAULT 0;

CREATE TABLE twin_tags (
    twin_id         uuid NOT NULL REFERENCES digital_twins(id) ON DELETE CASCADE,
    name            text NOT NULL CHECK (name ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'),
    version_id      uuid NOT NULL REFERENCES twin_versions(id) ON DELETE CASCADE,
    created_by      uuid REFERENCES users(id) ON DELETE SET NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (twin_id, name)
);
CREATE INDEX twin_tags_version_idx ON twin_tags (version_id);
INSERT INTO twin_tags (twin_id, name, version_id, created_by, created_at)
    SELECT twin_id, tag, id, author_id, created_at FROM twin_versions WHERE tag IS NOT NULL;
DROP INDEX twin_versions_tag_key;
ALTER TABLE twin_versions DROP COLUMN tag;

-- Indexes for the cascades and session clean-up.
CREATE INDEX edit_locks_session_idx ON edit_locks (session_id);
CREATE INDEX collaboration_sessions_session_idx ON collaboration_sessions (session_id);
CREATE INDEX audit_log_actor_idx ON audit_log (actor_id);
CREATE INDEX sessions_expires_idx ON sessions (expires_at) WHERE revoked_at IS NULL;
