-- Ferry schema, version 3: the apply side. A node records, per consumer, the
-- last tick whose batch it applied, in the same transaction as the batch's
-- changes: after a crash at any point the batch is applied exactly once.

CREATE TABLE ferry.completed_tick (
    consumer_name text        PRIMARY KEY,
    queue_name    text        NOT NULL,
    tick_id       bigint      NOT NULL,
    batch_id      bigint,
    applied_at    timestamptz NOT NULL DEFAULT now()
);
