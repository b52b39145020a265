-- Instances take a few tokens at a time from a bucket (server/http/ratelimiter.h): the row
-- records how many the last statement handed out, instead of whether it allowed one.
ALTER TABLE rate_limit_buckets DROP COLUMN allowed;
ALTER TABLE rate_limit_buckets ADD COLUMN granted integer NOT NULL DEFAULT 0;
