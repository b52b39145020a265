-- LACES schema, version 1: the whole product's tables.
-- Applied in one transaction by the server's migrator (server/db/migrator.cpp).

-- pg_trgm (a trusted extension, shipped with PostgreSQL) serves name searches (ILIKE '%x%').
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- Settings shared by every server instance on this database (e.g. the JWT signing key).
CREATE TABLE server_settings (
    key         text PRIMARY KEY,
    value       bytea NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- Identity and access -------------------------------------------------------------------

CREATE TABLE organizations (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    slug        text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE roles (
    name        text PRIMARY KEY CHECK (name ~ '^[a-z]+$'),
    description text NOT NULL
);

CREATE TABLE role_permissions (
    role        text NOT NULL REFERENCES roles(name) ON DELETE CASCADE,
    permission  text NOT NULL CHECK (permission ~ '^[a-z]+\.[a-z_]+$'),
    PRIMARY KEY (role, permission)
);

CREATE TABLE users (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    username        text NOT NULL CHECK (username ~ '^[a-z0-9][a-z0-9_.-]{2,31}$'),
    email           text NOT NULL CHECK (length(email) BETWEEN 3 AND 254 AND position('@' in email) > 1),
    password_hash   text NOT NULL,
    role            text NOT NULL REFERENCES roles(name),
    display_name    text,
    is_active       boolean NOT NULL DEFAULT true,
    created_at      timestamptz NOT NULL DEFAULT now(),
    last_login_at   timestamptz
);
CREATE UNIQUE INDEX users_username_key ON users (lower(username));
CREATE UNIQUE INDEX users_email_key ON users (lower(email));
CREATE INDEX users_organization_idx ON users (organization_id);

CREATE TABLE sessions (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id         uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at      timestamptz NOT NULL DEFAULT now(),
    expires_at      timestamptz NOT NULL,
    last_seen_at    timestamptz NOT NULL DEFAULT now(),
    revoked_at      timestamptz,
    revoked_reason  text,
    client_address  inet,
    user_agent      text,
    CHECK (expires_at > created_at)
);
CREATE INDEX sessions_user_active_idx ON sessions (user_id) WHERE revoked_at IS NULL;

-- Edge devices authenticate with API keys bound to one machine node (issued in the
-- telemetry work); the key itself is never stored, only its SHA-256.
CREATE TABLE api_keys (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    node_id         uuid,               -- FK added below, after machine_nodes
    name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    prefix          text NOT NULL UNIQUE CHECK (length(prefix) BETWEEN 6 AND 16),
    key_hash        bytea NOT NULL CHECK (length(key_hash) = 32),
    created_by      uuid REFERENCES users(id) ON DELETE SET NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    last_used_at    timestamptz,
    revoked_at      timestamptz
);
CREATE INDEX api_keys_organization_idx ON api_keys (organization_id);

-- Twins, versions, models -----------------------------------------------------------------

CREATE TABLE model_blobs (
    sha256          bytea PRIMARY KEY CHECK (length(sha256) = 32),
    size_bytes      bigint NOT NULL CHECK (size_bytes >= 0),
    format          text NOT NULL CHECK (format IN ('stl', 'obj', 'ply', 'gltf', 'glb')),
    content         bytea NOT NULL,
    triangle_count  bigint NOT NULL DEFAULT 0 CHECK (triangle_count >= 0),
    vertex_count    bigint NOT NULL DEFAULT 0 CHECK (vertex_count >= 0),
    bbox_min        double precision[3],
    bbox_max        double precision[3],
    created_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE digital_twins (
    id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id   uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    name              text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    description       text NOT NULL DEFAULT '' CHECK (length(description) <= 10000),
    properties        jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(properties) = 'object'),
    created_by        uuid REFERENCES users(id) ON DELETE SET NULL,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    latest_version_id uuid          -- FK added below, after twin_versions
);
CREATE UNIQUE INDEX digital_twins_org_name_key ON digital_twins (organization_id, lower(name));
CREATE INDEX digital_twins_org_updated_idx ON digital_twins (organization_id, updated_at DESC);
CREATE INDEX digital_twins_name_trgm_idx ON digital_twins USING gin (name gin_trgm_ops);

CREATE TABLE twin_versions (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    twin_id         uuid NOT NULL REFERENCES digital_twins(id) ON DELETE CASCADE,
    number          integer NOT NULL CHECK (number >= 1),
    parent_ids      uuid[] NOT NULL DEFAULT '{}',
    author_id       uuid REFERENCES users(id) ON DELETE SET NULL,
    message         text NOT NULL DEFAULT '' CHECK (length(message) <= 10000),
    model_sha256    bytea REFERENCES model_blobs(sha256),
    properties      jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(properties) = 'object'),
    is_latest       boolean NOT NULL DEFAULT false,
    tag             text CHECK (tag ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$'),
    created_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (twin_id, number)
);
-- Exactly one latest version per twin.
CREATE UNIQUE INDEX twin_versions_latest_key ON twin_versions (twin_id) WHERE is_latest;
CREATE UNIQUE INDEX twin_versions_tag_key ON twin_versions (twin_id, tag) WHERE tag IS NOT NULL;
CREATE INDEX twin_versions_log_idx ON twin_versions (twin_id, number DESC);

ALTER TABLE digital_twins
    ADD CONSTRAINT digital_twins_latest_version_fkey
    FOREIGN KEY (latest_version_id) REFERENCES twin_versions(id) ON DELETE SET NULL
    DEFERRABLE INITIALLY DEFERRED;

CREATE TABLE twin_components (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    version_id      uuid NOT NULL REFERENCES twin_versions(id) ON DELETE CASCADE,
    name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 300),
    path            text NOT NULL DEFAULT '',
    triangle_count  bigint NOT NULL DEFAULT 0 CHECK (triangle_count >= 0),
    vertex_count    bigint NOT NULL DEFAULT 0 CHECK (vertex_count >= 0),
    bbox_min        double precision[3],
    bbox_max        double precision[3],
    transform       double precision[16],
    properties      jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(properties) = 'object'),
    UNIQUE (version_id, name)
);

-- Collaboration ---------------------------------------------------------------------------

CREATE SEQUENCE fencing_token_seq AS bigint;

CREATE TABLE edit_locks (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    twin_id         uuid NOT NULL REFERENCES digital_twins(id) ON DELETE CASCADE,
    component       text,           -- NULL: the whole twin
    lock_type       text NOT NULL CHECK (lock_type IN ('exclusive', 'shared')),
    holder_id       uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    session_id      uuid REFERENCES sessions(id) ON DELETE CASCADE,
    fencing_token   bigint NOT NULL DEFAULT nextval('fencing_token_seq'),
    acquired_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
    expires_at      timestamptz NOT NULL,
    released_at     timestamptz,
    CHECK (expires_at > acquired_at)
);
CREATE INDEX edit_locks_active_idx ON edit_locks (twin_id, component) WHERE released_at IS NULL;
CREATE UNIQUE INDEX edit_locks_token_key ON edit_locks (fencing_token);

CREATE TABLE edit_operations (
    id              bigserial PRIMARY KEY,
    twin_id         uuid NOT NULL REFERENCES digital_twins(id) ON DELETE CASCADE,
    component       text,
    op              text NOT NULL CHECK (op IN ('set', 'remove', 'transform')),
    path            text NOT NULL,
    value           jsonb,
    base_version_id uuid REFERENCES twin_versions(id) ON DELETE SET NULL,
    vector_clock    jsonb NOT NULL DEFAULT '{}',
    author_id       uuid REFERENCES users(id) ON DELETE SET NULL,
    fencing_token   bigint,
    applied         boolean NOT NULL DEFAULT true,
    folded_into     uuid REFERENCES twin_versions(id) ON DELETE SET NULL,
    created_at      timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX edit_operations_pending_idx ON edit_operations (twin_id, id) WHERE folded_into IS NULL;

CREATE TABLE collaboration_sessions (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    twin_id         uuid NOT NULL REFERENCES digital_twins(id) ON DELETE CASCADE,
    user_id         uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    session_id      uuid REFERENCES sessions(id) ON DELETE CASCADE,
    instance_id     text NOT NULL,
    joined_at       timestamptz NOT NULL DEFAULT now(),
    last_seen_at    timestamptz NOT NULL DEFAULT now(),
    left_at         timestamptz
);
CREATE INDEX collaboration_sessions_active_idx ON collaboration_sessions (twin_id) WHERE left_at IS NULL;

-- Machines and telemetry ------------------------------------------------------------------

CREATE TABLE machine_nodes (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    twin_id         uuid REFERENCES digital_twins(id) ON DELETE SET NULL,
    name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    node_type       text NOT NULL CHECK (length(node_type) BETWEEN 1 AND 100),
    latitude        double precision NOT NULL CHECK (latitude BETWEEN -90 AND 90),
    longitude       double precision NOT NULL CHECK (longitude BETWEEN -180 AND 180),
    site            text NOT NULL DEFAULT '',
    status          text NOT NULL DEFAULT 'offline' CHECK (status IN ('online', 'offline', 'maintenance')),
    properties      jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(properties) = 'object'),
    created_at      timestamptz NOT NULL DEFAULT now(),
    last_seen_at    timestamptz
);
CREATE UNIQUE INDEX machine_nodes_org_name_key ON machine_nodes (organization_id, lower(name));
CREATE INDEX machine_nodes_twin_idx ON machine_nodes (twin_id);

ALTER TABLE api_keys
    ADD CONSTRAINT api_keys_node_fkey FOREIGN KEY (node_id) REFERENCES machine_nodes(id) ON DELETE CASCADE;

CREATE TABLE node_sensors (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    node_id         uuid NOT NULL REFERENCES machine_nodes(id) ON DELETE CASCADE,
    metric          text NOT NULL CHECK (metric ~ '^[a-z][a-z0-9_]{0,62}$'),
    unit            text NOT NULL,
    min_value       double precision,
    max_value       double precision,
    warn_above      double precision,
    sample_rate_hz  double precision CHECK (sample_rate_hz > 0),
    UNIQUE (node_id, metric),
    CHECK (min_value IS NULL OR max_value IS NULL OR min_value < max_value)
);

-- Raw samples, one row per node and instant, in daily range partitions (created ahead of
-- time by the telemetry service, dropped by retention). Metrics are columns so a row is
-- one COPY tuple; an absent metric is NULL.
CREATE TABLE telemetry_data (
    node_id         uuid NOT NULL,
    time            timestamptz NOT NULL,
    boot_epoch      bigint NOT NULL DEFAULT 0,
    seq             bigint NOT NULL DEFAULT 0,
    rpm             real,
    torque_nm       real,
    vibration_x_g   real,
    vibration_y_g   real,
    vibration_z_g   real,
    temperature_c   real,
    power_kw        real,
    current_a       real,
    pressure_bar    real,
    flow_lpm        real,
    extra           jsonb
) PARTITION BY RANGE (time);
CREATE INDEX telemetry_data_node_time_idx ON telemetry_data (node_id, time);
CREATE TABLE telemetry_data_default PARTITION OF telemetry_data DEFAULT;

-- Acknowledged sequence ranges per node and boot epoch, for exactly-once batch ingest.
CREATE TABLE telemetry_ingest_state (
    node_id         uuid NOT NULL REFERENCES machine_nodes(id) ON DELETE CASCADE,
    boot_epoch      bigint NOT NULL,
    acked_seq       bigint NOT NULL,
    updated_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (node_id, boot_epoch)
);

-- Rollups ("continuous aggregates"): per node, metric and bucket.
CREATE TABLE telemetry_rollup_1m (
    node_id         uuid NOT NULL,
    metric          text NOT NULL,
    bucket          timestamptz NOT NULL,
    count           bigint NOT NULL CHECK (count > 0),
    min             double precision NOT NULL,
    max             double precision NOT NULL,
    sum             double precision NOT NULL,
    sum_squares     double precision NOT NULL,
    PRIMARY KEY (node_id, metric, bucket)
);
CREATE TABLE telemetry_rollup_1h (LIKE telemetry_rollup_1m INCLUDING ALL);

-- Compressed per-node, per-hour columnar chunks of old partitions.
CREATE TABLE telemetry_chunks (
    node_id         uuid NOT NULL,
    hour            timestamptz NOT NULL,
    row_count       integer NOT NULL CHECK (row_count > 0),
    first_time      timestamptz NOT NULL,
    last_time       timestamptz NOT NULL,
    codec_version   smallint NOT NULL,
    payload         bytea NOT NULL,
    PRIMARY KEY (node_id, hour),
    CHECK (last_time >= first_time)
);

-- Maintenance -----------------------------------------------------------------------------

CREATE TABLE alert_rules (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    node_id         uuid REFERENCES machine_nodes(id) ON DELETE CASCADE,   -- NULL: every node
    metric          text NOT NULL,
    comparison      text NOT NULL CHECK (comparison IN ('>', '>=', '<', '<=')),
    threshold       double precision NOT NULL,
    duration_s      integer NOT NULL DEFAULT 0 CHECK (duration_s >= 0),
    severity        text NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
    enabled         boolean NOT NULL DEFAULT true,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX alert_rules_org_idx ON alert_rules (organization_id);

CREATE TABLE maintenance_tickets (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    node_id         uuid REFERENCES machine_nodes(id) ON DELETE SET NULL,
    twin_id         uuid REFERENCES digital_twins(id) ON DELETE SET NULL,
    component       text,
    title           text NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
    description     text NOT NULL DEFAULT '',
    source          text NOT NULL CHECK (source IN ('threshold', 'anomaly', 'trend', 'manual')),
    severity        text NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
    status          text NOT NULL DEFAULT 'open'
                    CHECK (status IN ('open', 'acknowledged', 'in_progress', 'resolved', 'closed')),
    dedup_key       text NOT NULL,
    predicted_failure_at timestamptz,
    assignee_id     uuid REFERENCES users(id) ON DELETE SET NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    resolved_at     timestamptz
);
-- One open ticket per problem: the agent's deduplication key.
CREATE UNIQUE INDEX maintenance_tickets_open_dedup_key
    ON maintenance_tickets (organization_id, dedup_key) WHERE status NOT IN ('resolved', 'closed');
CREATE INDEX maintenance_tickets_org_status_idx ON maintenance_tickets (organization_id, status, created_at DESC);

CREATE TABLE ticket_events (
    id              bigserial PRIMARY KEY,
    ticket_id       uuid NOT NULL REFERENCES maintenance_tickets(id) ON DELETE CASCADE,
    actor_id        uuid REFERENCES users(id) ON DELETE SET NULL,
    kind            text NOT NULL CHECK (kind IN ('created', 'status', 'comment', 'assigned', 'evidence')),
    details         jsonb NOT NULL DEFAULT '{}',
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ticket_events_ticket_idx ON ticket_events (ticket_id, id);

CREATE TABLE alerts (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    rule_id         uuid REFERENCES alert_rules(id) ON DELETE SET NULL,
    node_id         uuid REFERENCES machine_nodes(id) ON DELETE CASCADE,
    ticket_id       uuid REFERENCES maintenance_tickets(id) ON DELETE SET NULL,
    metric          text,
    value           double precision,
    severity        text NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
    message         text NOT NULL,
    raised_at       timestamptz NOT NULL DEFAULT now(),
    cleared_at      timestamptz,
    acknowledged_by uuid REFERENCES users(id) ON DELETE SET NULL
);
CREATE INDEX alerts_org_active_idx ON alerts (organization_id, raised_at DESC) WHERE cleared_at IS NULL;

CREATE TABLE anomaly_models (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    node_id         uuid REFERENCES machine_nodes(id) ON DELETE CASCADE,
    kind            text NOT NULL CHECK (kind IN ('isolation_forest', 'trend')),
    metrics         text[] NOT NULL,
    parameters      jsonb NOT NULL DEFAULT '{}',
    model           bytea NOT NULL,
    trained_from    timestamptz,
    trained_to      timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    is_active       boolean NOT NULL DEFAULT true
);
CREATE UNIQUE INDEX anomaly_models_active_key ON anomaly_models (node_id, kind) WHERE is_active;

CREATE TABLE simulation_runs (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    twin_id         uuid NOT NULL REFERENCES digital_twins(id) ON DELETE CASCADE,
    version_id      uuid REFERENCES twin_versions(id) ON DELETE SET NULL,
    user_id         uuid REFERENCES users(id) ON DELETE SET NULL,
    parameters      jsonb NOT NULL,
    results         jsonb,
    predicted_failure_at timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX simulation_runs_twin_idx ON simulation_runs (twin_id, created_at DESC);

-- Cross-cutting ---------------------------------------------------------------------------

CREATE TABLE idempotency_keys (
    user_id         uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    key             text NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
    method          text NOT NULL,
    path            text NOT NULL,
    request_hash    bytea NOT NULL,
    status          integer,
    response        bytea,
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, key)
);
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);

CREATE TABLE audit_log (
    id              bigserial PRIMARY KEY,
    organization_id uuid REFERENCES organizations(id) ON DELETE CASCADE,
    actor_id        uuid REFERENCES users(id) ON DELETE SET NULL,
    action          text NOT NULL,
    object_type     text NOT NULL,
    object_id       text,
    details         jsonb NOT NULL DEFAULT '{}',
    client_address  inet,
    request_id      text,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_log_org_time_idx ON audit_log (organization_id, created_at DESC);

-- The product's roles and permissions. Admin has every permission.
INSERT INTO roles (name, description) VALUES
    ('admin',    'Full control of the organization'),
    ('engineer', 'Designs and versions twins, runs simulations'),
    ('operator', 'Runs machines: views twins, ingests telemetry, follows maintenance'),
    ('viewer',   'Read-only access to twins and analytics');

INSERT INTO role_permissions (role, permission) VALUES
    ('admin', 'twins.view'), ('admin', 'twins.create'), ('admin', 'twins.edit'),
    ('admin', 'twins.delete'), ('admin', 'twins.version'), ('admin', 'simulations.run'),
    ('admin', 'maintenance.view'), ('admin', 'maintenance.manage'), ('admin', 'telemetry.ingest'),
    ('admin', 'analytics.view'), ('admin', 'nodes.manage'), ('admin', 'users.manage'),
    ('admin', 'locks.manage'),
    ('engineer', 'twins.create'), ('engineer', 'twins.edit'), ('engineer', 'twins.version'),
    ('engineer', 'simulations.run'), ('engineer', 'maintenance.view'),
    ('operator', 'twins.view'), ('operator', 'telemetry.ingest'), ('operator', 'maintenance.view'),
    ('viewer', 'twins.view'), ('viewer', 'analytics.view');
