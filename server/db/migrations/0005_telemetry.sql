-- Telemetry storage as the telemetry service uses it.
--
-- Metric values are doubles: a JSON number is a double, and compressed chunks give back
-- exactly what was stored (a real would turn 0.1 into 0.100000001490116…). Two metrics
-- join the list for pumps (the SKAB recordings): supply voltage and a second temperature.
-- Unknown metrics are refused at ingest, so the free-form column goes.
ALTER TABLE telemetry_data
    DROP COLUMN extra,
    ALTER COLUMN rpm TYPE double precision,
    ALTER COLUMN torque_nm TYPE double precision,
    ALTER COLUMN vibration_x_g TYPE double precision,
    ALTER COLUMN vibration_y_g TYPE double precision,
    ALTER COLUMN vibration_z_g TYPE double precision,
    ALTER COLUMN temperature_c TYPE double precision,
    ALTER COLUMN power_kw TYPE double precision,
    ALTER COLUMN current_a TYPE double precision,
    ALTER COLUMN pressure_bar TYPE double precision,
    ALTER COLUMN flow_lpm TYPE double precision,
    ADD COLUMN voltage_v double precision,
    ADD COLUMN thermocouple_c double precision;

-- Exactly-once ingest: every (node, boot epoch) keeps the set of sequence numbers it has
-- stored as a multirange; acked_seq is the end of its first run (the highest contiguous).
ALTER TABLE telemetry_ingest_state
    ADD COLUMN stored_seqs int8multirange NOT NULL DEFAULT '{}';

-- Days whose raw rows went into compressed chunks (so compression runs once per day, and
-- late rows for such a day are merged into its chunks on the next run).
CREATE TABLE telemetry_compressed_days (
    day             date PRIMARY KEY,
    compressed_at   timestamptz NOT NULL DEFAULT now(),
    rows            bigint NOT NULL,
    raw_bytes       bigint NOT NULL,
    chunk_bytes     bigint NOT NULL
);

CREATE INDEX telemetry_chunks_hour_idx ON telemetry_chunks (hour);
CREATE INDEX telemetry_rollup_1m_bucket_idx ON telemetry_rollup_1m (bucket);
CREATE INDEX telemetry_rollup_1h_bucket_idx ON telemetry_rollup_1h (bucket);
CREATE INDEX api_keys_node_idx ON api_keys (node_id);
