-- LACES schema, version 6: stored ageing simulation runs (the 4D view). `parameters` holds
-- the run's normalized inputs (hashed into inputs_sha256, so equal inputs are findable),
-- `results` everything but the series, which are kept compressed in `series` (doubles,
-- bit for bit what the run computed).
ALTER TABLE simulation_runs ADD COLUMN inputs_sha256 bytea NOT NULL CHECK (octet_length(inputs_sha256) = 32);
ALTER TABLE simulation_runs ADD COLUMN start_at timestamptz NOT NULL;
ALTER TABLE simulation_runs ADD COLUMN series bytea NOT NULL;
ALTER TABLE simulation_runs ADD COLUMN component_count integer NOT NULL DEFAULT 0 CHECK (component_count >= 0);
ALTER TABLE simulation_runs ADD COLUMN worst_component text;
ALTER TABLE simulation_runs ALTER COLUMN results SET NOT NULL;
CREATE INDEX simulation_runs_inputs_idx ON simulation_runs (organization_id, inputs_sha256);
