-- The maintenance agent: alert rules with hysteresis, their per-node state, tickets with
-- deduplication and events, alert channels and an outbox, anomaly models, node health,
-- and node locations as PostGIS geography.
--
-- The initial schema's maintenance tables (the product brief's) were never used by any
-- code; they are replaced by the shapes the agent needs.
DROP TABLE alerts, ticket_events, maintenance_tickets, alert_rules, anomaly_models;

-- Required of an external database too: node locations, bbox and radius queries.
CREATE EXTENSION IF NOT EXISTS postgis;

ALTER TABLE machine_nodes
    ADD COLUMN location geography(Point, 4326)
        GENERATED ALWAYS AS (ST_SetSRID(ST_MakePoint(longitude, latitude), 4326)::geography) STORED;
-- Radius queries use the geography (metres on the spheroid); bounding boxes are rectangles
-- in longitude and latitude, so they use the same point as a planar geometry (a
-- geography "box" has great-circle edges and would miss points near its southern edge).
CREATE INDEX machine_nodes_location_idx ON machine_nodes USING gist (location);
CREATE INDEX machine_nodes_location_box_idx ON machine_nodes USING gist ((location::geometry));

-- A sensor may name the twin component it measures (tickets on it point there).
ALTER TABLE node_sensors ADD COLUMN component text CHECK (length(component) <= 200);

-- Working tickets: acknowledge, assign, start, resolve, comment. Where alerts go is the
-- admin's (alerts.manage).
INSERT INTO role_permissions (role, permission) VALUES
    ('admin', 'maintenance.work'), ('engineer', 'maintenance.work'), ('operator', 'maintenance.work'),
    ('admin', 'alerts.manage');

CREATE TABLE alert_rules (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    name            text NOT NULL DEFAULT '' CHECK (length(name) <= 200),
    node_id         uuid REFERENCES machine_nodes(id) ON DELETE CASCADE,   -- one node, or
    node_type       text CHECK (length(node_type) BETWEEN 1 AND 100),     -- every node of a type, or neither: all
    metric          text NOT NULL CHECK (metric ~ '^[a-z][a-z0-9_]{0,62}$'),
    direction       text NOT NULL CHECK (direction IN ('above', 'below')),
    level           double precision NOT NULL,
    clear_level     double precision NOT NULL,
    for_s           integer NOT NULL DEFAULT 60 CHECK (for_s BETWEEN 0 AND 604800),
    severity        text NOT NULL CHECK (severity IN ('LOW', 'MEDIUM', 'HIGH', 'CRITICAL')),
    enabled         boolean NOT NULL DEFAULT true,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    CHECK (node_id IS NULL OR node_type IS NULL),
    -- Hysteresis: a rule clears only beyond its level, on the safe side.
    CHECK ((direction = 'above' AND clear_level <= level) OR (direction = 'below' AND clear_level >= level))
);
CREATE INDEX alert_rules_org_idx ON alert_rules (organization_id);

-- Where each (node, rule) stands, kept across restarts (a duration counter survives one).
-- rule_key is a rule's id, or 'sensor:<metric>:warn' / 'sensor:<metric>:max' for the
-- defaults from a sensor's limits.
CREATE TABLE alert_states (
    node_id         uuid NOT NULL REFERENCES machine_nodes(id) ON DELETE CASCADE,
    rule_key        text NOT NULL,
    firing          boolean NOT NULL DEFAULT false,
    since           timestamptz NOT NULL,       -- when the current state began
    last_value      double precision,
    updated_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (node_id, rule_key)
);

CREATE TABLE maintenance_tickets (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    number          bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    node_id         uuid REFERENCES machine_nodes(id) ON DELETE SET NULL,
    node_name       text,
    twin_id         uuid REFERENCES digital_twins(id) ON DELETE SET NULL,
    twin_version_id uuid REFERENCES twin_versions(id) ON DELETE SET NULL,
    component       text,
    title           text NOT NULL CHECK (length(title) BETWEEN 1 AND 300),
    description     text NOT NULL DEFAULT '' CHECK (length(description) <= 10000),
    cause           text NOT NULL CHECK (cause ~ '^(threshold|trend):[a-z][a-z0-9_]{0,62}$'
                                         OR cause IN ('anomaly', 'stale', 'edge_anomaly', 'manual')),
    severity        text NOT NULL CHECK (severity IN ('LOW', 'MEDIUM', 'HIGH', 'CRITICAL')),
    status          text NOT NULL DEFAULT 'open'
                    CHECK (status IN ('open', 'acknowledged', 'in_progress', 'resolved', 'closed', 'cancelled')),
    dedup_key       text NOT NULL,
    -- True while a repeat of the problem updates this ticket: until it is closed or
    -- cancelled, or 24 h after its resolution (the agent clears it then).
    dedup_active    boolean NOT NULL DEFAULT true,
    evidence        jsonb NOT NULL DEFAULT '{}',
    occurrences     integer NOT NULL DEFAULT 1 CHECK (occurrences > 0),
    predicted_failure_at timestamptz,
    assignee_id     uuid REFERENCES users(id) ON DELETE SET NULL,
    created_by      uuid REFERENCES users(id) ON DELETE SET NULL,   -- NULL: the agent
    resolution      jsonb,
    opened_at       timestamptz NOT NULL DEFAULT now(),
    first_seen_at   timestamptz NOT NULL DEFAULT now(),
    last_seen_at    timestamptz NOT NULL DEFAULT now(),
    acknowledged_at timestamptz,
    resolved_at     timestamptz,
    closed_at       timestamptz,
    last_alert_at   timestamptz,
    updated_at      timestamptz NOT NULL DEFAULT now()
);
-- One live ticket per problem: concurrent agent cycles (two instances) cannot both open
-- one, because the second INSERT meets this index (ON CONFLICT turns it into an update).
CREATE UNIQUE INDEX maintenance_tickets_dedup_key
    ON maintenance_tickets (organization_id, dedup_key) WHERE dedup_active;
CREATE INDEX maintenance_tickets_org_status_idx ON maintenance_tickets (organization_id, status, opened_at DESC);
CREATE INDEX maintenance_tickets_node_idx ON maintenance_tickets (node_id);

CREATE TABLE ticket_events (
    id              bigserial PRIMARY KEY,
    ticket_id       uuid NOT NULL REFERENCES maintenance_tickets(id) ON DELETE CASCADE,
    actor_id        uuid REFERENCES users(id) ON DELETE SET NULL,   -- NULL with actor 'agent'
    actor           text NOT NULL CHECK (actor IN ('user', 'agent')),
    kind            text NOT NULL CHECK (kind IN ('opened', 'occurrence', 'severity', 'status', 'assigned',
                                                  'comment', 'reopened', 'alert')),
    details         jsonb NOT NULL DEFAULT '{}',
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ticket_events_ticket_idx ON ticket_events (ticket_id, id);

CREATE TABLE alert_channels (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    kind            text NOT NULL CHECK (kind IN ('webhook', 'email', 'sms')),
    url             text,                 -- webhook and sms (the gateway's webhook)
    secret          text,                 -- webhook and sms: the signing secret, whsec_<base64>
    recipients      text[] NOT NULL DEFAULT '{}',   -- email addresses, or phone numbers for sms
    min_severity    text NOT NULL DEFAULT 'HIGH' CHECK (min_severity IN ('LOW', 'MEDIUM', 'HIGH', 'CRITICAL')),
    enabled         boolean NOT NULL DEFAULT true,
    created_at      timestamptz NOT NULL DEFAULT now(),
    CHECK ((kind = 'email' AND cardinality(recipients) > 0) OR (kind <> 'email' AND url IS NOT NULL))
);
CREATE INDEX alert_channels_org_idx ON alert_channels (organization_id);

-- Alerts to send, written in the ticket's transaction: a crash after COMMIT leaves the
-- row to send; a crash before it leaves neither ticket nor alert.
CREATE TABLE alert_outbox (
    id              bigserial PRIMARY KEY,
    organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    ticket_id       uuid NOT NULL REFERENCES maintenance_tickets(id) ON DELETE CASCADE,
    channel_id      uuid NOT NULL REFERENCES alert_channels(id) ON DELETE CASCADE,
    reason          text NOT NULL CHECK (reason IN ('opened', 'escalated', 'reminder', 'recurred')),
    payload         jsonb NOT NULL,
    status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'given_up')),
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_error      text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    delivered_at    timestamptz
);
CREATE INDEX alert_outbox_pending_idx ON alert_outbox (next_attempt_at) WHERE status = 'pending';

CREATE TABLE alert_attempts (
    id              bigserial PRIMARY KEY,
    outbox_id       bigint NOT NULL REFERENCES alert_outbox(id) ON DELETE CASCADE,
    attempted_at    timestamptz NOT NULL DEFAULT now(),
    ok              boolean NOT NULL,
    status_code     integer,
    error           text,
    duration_ms     double precision NOT NULL
);
CREATE INDEX alert_attempts_outbox_idx ON alert_attempts (outbox_id, id);

CREATE TABLE anomaly_models (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id uuid NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    node_id         uuid NOT NULL REFERENCES machine_nodes(id) ON DELETE CASCADE,
    kind            text NOT NULL,
    metrics         text[] NOT NULL,
    parameters      jsonb NOT NULL DEFAULT '{}',
    model           bytea NOT NULL,
    sha256          text NOT NULL,
    trained_from    timestamptz NOT NULL,
    trained_to      timestamptz NOT NULL,
    training_rows   integer NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    is_active       boolean NOT NULL DEFAULT true
);
CREATE UNIQUE INDEX anomaly_models_active_key ON anomaly_models (node_id) WHERE is_active;

-- The agent's latest assessment of each node.
CREATE TABLE node_health (
    node_id         uuid PRIMARY KEY REFERENCES machine_nodes(id) ON DELETE CASCADE,
    score           integer NOT NULL CHECK (score BETWEEN 0 AND 100),
    status          text NOT NULL CHECK (status IN ('healthy', 'warning', 'critical', 'stale', 'unknown')),
    anomaly         jsonb,
    trends          jsonb NOT NULL DEFAULT '[]',
    limits          jsonb NOT NULL DEFAULT '[]',
    scored_until    timestamptz,            -- the newest sample the anomaly model has scored
    trends_at       timestamptz,            -- when the trends were last fit (hourly)
    trend_hours     double precision,       -- hours until the nearest limit a rising trend reaches
    assessed_at     timestamptz NOT NULL DEFAULT now()
);

-- Each agent cycle, for the operator (and the "agent cycle late" alert).
CREATE TABLE agent_cycles (
    id              bigserial PRIMARY KEY,
    started_at      timestamptz NOT NULL DEFAULT now(),
    finished_at     timestamptz,
    nodes_assessed  integer,
    tickets_opened  integer,
    tickets_updated integer,
    alerts_queued   integer,
    duration_ms     double precision,
    instance        text NOT NULL
);
