#!/bin/bash
# Entrypoint of the postgres-replica service (the official postgres image with this as
# its entrypoint and "postgres ..." as its command): on an empty data volume, copy the
# primary with pg_basebackup and configure it as a streaming hot standby; then run
# PostgreSQL. Promote it with
#   docker compose exec -u postgres postgres-replica pg_ctl promote
set -euo pipefail

: "${PGDATA:=/var/lib/postgresql/data}"
: "${PRIMARY_HOST:?PRIMARY_HOST must name the primary}"
: "${PRIMARY_PORT:=5432}"
: "${REPLICATION_USER:=replicator}"
: "${REPLICATION_SLOT:=replica1}"
: "${REPLICATION_PASSWORD_FILE:=/run/secrets/postgres_replication_password}"

# Started as root: prepare the data directory, then continue as postgres (gosu is part
# of the official image).
if [ "$(id -u)" = 0 ]; then
    mkdir -p "$PGDATA"
    chown postgres:postgres "$PGDATA"
    chmod 0700 "$PGDATA"
    exec gosu postgres "${BASH_SOURCE[0]}" "$@"
fi

if [ ! -s "$PGDATA/PG_VERSION" ]; then
    echo "replica-entrypoint: cloning ${PRIMARY_HOST}:${PRIMARY_PORT} into $PGDATA"
    until pg_isready -q -h "$PRIMARY_HOST" -p "$PRIMARY_PORT"; do
        sleep 1
    done
    PGPASSWORD="$(cat "$REPLICATION_PASSWORD_FILE")"
    export PGPASSWORD
    # -R writes standby.signal and primary_conninfo (with primary_slot_name) into
    # postgresql.auto.conf; -X stream copies the WAL written during the backup too.
    # On failure pg_basebackup removes what it wrote, so the next start tries again.
    pg_basebackup --pgdata="$PGDATA" --host="$PRIMARY_HOST" --port="$PRIMARY_PORT" \
        --username="$REPLICATION_USER" --slot="$REPLICATION_SLOT" \
        --wal-method=stream --write-recovery-conf --checkpoint=fast --no-password
    unset PGPASSWORD
    chmod 0700 "$PGDATA"
fi

# A promoted standby has no standby.signal any more and must stay a primary: only a
# fresh clone (above) makes this a standby.
exec "$@"
