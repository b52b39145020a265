-- The maintenance agent keeps the fleet's configuration (the online nodes, their sensors,
-- the alert rules, the anomaly models) in memory between its cycles; this counter tells it
-- when to read it again. Triggers bump it on real changes only: ingest sets
-- machine_nodes.last_seen_at (and status) on every batch, which must not count. A table
-- row and not a sequence: the new value becomes visible with the change it stands for, in
-- the same commit, so the agent never caches an old configuration under a new number.
CREATE TABLE agent_config_version (
    id      boolean PRIMARY KEY DEFAULT true CHECK (id),
    version bigint NOT NULL DEFAULT 0
);
INSERT INTO agent_config_version DEFAULT VALUES;

CREATE FUNCTION bump_agent_config_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE agent_config_version SET version = version + 1;
    RETURN NULL;
END $$;

CREATE TRIGGER machine_nodes_agent_config AFTER INSERT OR DELETE ON machine_nodes
    FOR EACH STATEMENT EXECUTE FUNCTION bump_agent_config_version();
CREATE TRIGGER machine_nodes_agent_config_change AFTER UPDATE ON machine_nodes FOR EACH ROW
    WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.name IS DISTINCT FROM NEW.name
          OR OLD.node_type IS DISTINCT FROM NEW.node_type OR OLD.organization_id IS DISTINCT FROM NEW.organization_id)
    EXECUTE FUNCTION bump_agent_config_version();
CREATE TRIGGER node_sensors_agent_config AFTER INSERT OR UPDATE OR DELETE ON node_sensors
    FOR EACH STATEMENT EXECUTE FUNCTION bump_agent_config_version();
CREATE TRIGGER alert_rules_agent_config AFTER INSERT OR UPDATE OR DELETE ON alert_rules
    FOR EACH STATEMENT EXECUTE FUNCTION bump_agent_config_version();
CREATE TRIGGER anomaly_models_agent_config AFTER INSERT OR UPDATE OR DELETE ON anomaly_models
    FOR EACH STATEMENT EXECUTE FUNCTION bump_agent_config_version();

-- Each cycle rewrites every online node's health row; room on its page lets PostgreSQL
-- update it in place (a HOT update, no index entry).
ALTER TABLE node_health SET (fillfactor = 50);
-- The anomaly score of every node is rewritten each minute and read only whole (by
-- GET /nodes/{id}/health and /fleet/health): json keeps it as the text it is, jsonb would
-- parse each one into its binary form.
ALTER TABLE node_health ALTER COLUMN anomaly TYPE json USING anomaly::json;

-- Each node's hourly means over the trend window, as the agent last read them, one row per
-- series. The hourly rollups lie in time order (an hour of every node, then the next), so
-- a week of one series is 168 rows on 168 pages; this row is one. The agent reads only
-- the hours after the last one cached, and the whole window again once a day (samples
-- that arrive late for an hour already cached are then taken in).
CREATE TABLE agent_trend_series (
    node_id     uuid NOT NULL REFERENCES machine_nodes(id) ON DELETE CASCADE,
    metric      text NOT NULL,
    hours       bigint[] NOT NULL,             -- hours since the epoch, ascending
    means       double precision[] NOT NULL,   -- the hour's mean
    squares     double precision[] NOT NULL,   -- the hour's mean square (vibration axes), else empty
    loaded_at   timestamptz NOT NULL,          -- when the whole window was last read
    PRIMARY KEY (node_id, metric)
);
