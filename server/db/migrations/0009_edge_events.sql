-- Events an edge agent raised on its own (an anomaly score or a configured limit exceeded,
-- usually while it was offline), uploaded when the link returns. (node, boot_epoch, seq)
-- makes a retried upload harmless: an event is stored, and turned into a ticket, once.
CREATE TABLE edge_events (
    node_id         uuid NOT NULL REFERENCES machine_nodes(id) ON DELETE CASCADE,
    boot_epoch      bigint NOT NULL,
    seq             bigint NOT NULL,
    time            timestamptz NOT NULL,
    kind            text NOT NULL CHECK (kind IN ('anomaly', 'limit')),
    detail          jsonb NOT NULL,
    ticket_id       uuid REFERENCES maintenance_tickets(id) ON DELETE SET NULL,
    received_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (node_id, boot_epoch, seq)
);
CREATE INDEX edge_events_node_time_idx ON edge_events (node_id, time);
