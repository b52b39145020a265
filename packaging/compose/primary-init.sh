#!/bin/bash
# Runs once, from /docker-entrypoint-initdb.d of the official postgres image, when the
# primary's data volume is empty (as user postgres, against the temporary local-only
# server the image starts for initialisation). It creates the streaming-replication
# role and slot the standby (replica-entrypoint.sh) uses and lets that role connect.
#
# The image may source this file instead of executing it (when it is not executable), so
# it neither exits nor changes shell options; it stops on the first error either way,
# as the image's entrypoint runs with "set -e".

replication_user="${REPLICATION_USER:-replicator}"
replication_slot="${REPLICATION_SLOT:-replica1}"
replication_password="$(cat "${REPLICATION_PASSWORD_FILE:-/run/secrets/postgres_replication_password}")"

# psql's :'name' quotes the values as SQL literals, :"name" as identifiers.
psql -v ON_ERROR_STOP=1 --no-psqlrc --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
    --set user="$replication_user" --set password="$replication_password" \
    --set slot="$replication_slot" <<'SQL'
CREATE ROLE :"user" WITH REPLICATION LOGIN PASSWORD :'password';
-- A physical slot keeps the WAL the standby has not received yet, also while it is down
-- (drop it with pg_drop_replication_slot if the standby is removed for good, or the
-- primary's disk fills up with WAL).
SELECT pg_create_physical_replication_slot(:'slot');
SQL

# Replication connections match only an explicit "replication" entry, not "all".
# "samenet": the compose network the standby is on. Read when the real server starts.
echo "host replication ${replication_user} samenet scram-sha-256" >> "$PGDATA/pg_hba.conf"
