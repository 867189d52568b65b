-- Ferry schema, version 10: the operator's way past an event a leaf cannot
-- apply (skip-event, replace-event). A failed event stops its node: the
-- batch is retried until its cause is fixed. Where the cause is the event
-- itself (a row this node must not or cannot take), the operator records
-- here what to do with it instead; the next attempt of its batch drops the
-- event (skip) or runs the given SQL at its place (replace), in the batch's
-- own transaction, and marks the row applied.
CREATE TABLE ferry.event_fix (
    queue_name  text        NOT NULL REFERENCES ferry.node_info (queue_name) ON DELETE CASCADE,
    ev_id       bigint      NOT NULL,
    action      text        NOT NULL CHECK (action IN ('skip', 'replace')),
    -- the SQL run in the event's place (replace only)
    replacement text,
    -- the event as the provider's queue held it, for the record
    ev_op       "char",
    table_name  text,
    ev_key      json,
    ev_data     json,
    done_by     text        NOT NULL DEFAULT session_user,
    done_at     timestamptz NOT NULL DEFAULT now(),
    -- set by the batch that applied the fix, in its transaction
    applied_at  timestamptz,
    batch_id    bigint,
    PRIMARY KEY (queue_name, ev_id),
    CHECK ((action = 'replace') = (replacement IS NOT NULL))
);
-- What every batch looks for: the fixes not applied yet (usually none).
CREATE INDEX event_fix_pending ON ferry.event_fix (queue_name) WHERE applied_at IS NULL;

-- How an error went away when an operator resolved it, e.g. "resolved by
-- skip-event by alice at 2026-12-05 04:40:00+00"; NULL when the worker got
-- past it by itself.
ALTER TABLE ferry.node_error ADD COLUMN resolution text;
