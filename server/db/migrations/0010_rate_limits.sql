-- Token buckets for rate limits, shared by every instance on this database; instances
-- take a few tokens at a time (server/http/ratelimiter.h). UNLOGGED:
-- no WAL, so a request's bucket update costs no fsync; after a crash the table is empty,
-- which forgives everyone for a minute.
CREATE UNLOGGED TABLE rate_limit_buckets (
    key        text PRIMARY KEY,
    tokens     double precision NOT NULL,
    granted    integer NOT NULL,   -- tokens the last statement handed to an instance
    updated_at timestamptz NOT NULL
);
