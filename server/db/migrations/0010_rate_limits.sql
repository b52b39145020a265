-- Token buckets for rate limits, shared by every instance on this database. UNLOGGED:
-- no WAL, so a request's bucket update costs no fsync; after a crash the table is empty,
-- which forgives everyone for a minute.
CREATE UNLOGGED TABLE rate_limit_buckets (
    key        text PRIMARY KEY,
    tokens     double precision NOT NULL,
    allowed    boolean NOT NULL,
    updated_at timestamptz NOT NULL
);
