-- Ferry schema, version 5: the node's error log. node_info.last_error holds
-- the one error a worker is stuck on now; this table keeps every error a
-- worker stored, with where it happened (batch, ticks, event, table), how
-- often it was retried and when it went away, so an operator can see what
-- happened overnight. Rows go with their node (ON DELETE CASCADE) and the
-- log keeps the newest 1000 per queue.
CREATE TABLE ferry.node_error (
    error_id    bigserial   PRIMARY KEY,
    queue_name  text        NOT NULL REFERENCES ferry.node_info (queue_name) ON DELETE CASCADE,
    node_name   text        NOT NULL,
    first_at    timestamptz NOT NULL DEFAULT now(),
    last_at     timestamptz NOT NULL DEFAULT now(),
    -- apply: a batch (or the round around it) failed; copy: a table's initial copy
    kind        text        NOT NULL DEFAULT 'apply' CHECK (kind IN ('apply', 'copy')),
    -- how many times the worker met it (one per retry)
    attempts    integer     NOT NULL DEFAULT 1,
    batch_id    bigint,
    tick_from   bigint,
    tick_to     bigint,
    -- the event that failed, when event-by-event apply found it
    event_id    bigint,
    table_name  text,
    sql_state   text,
    message     text        NOT NULL,
    resolved_at timestamptz
);
CREATE INDEX node_error_queue ON ferry.node_error (queue_name, error_id);

-- Records that the worker met an error: the same open error again (same
-- kind, message, batch, event and table) counts one more attempt; anything
-- else opens a row. Rows are closed by _resolve_node_errors once the worker
-- is past them.
CREATE FUNCTION ferry._record_node_error(p_queue text, p_kind text, p_batch bigint,
                                         p_tick_from bigint, p_tick_to bigint, p_event bigint,
                                         p_table text, p_sql_state text, p_message text)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    v_id bigint;
BEGIN
    UPDATE ferry.node_error SET attempts = attempts + 1, last_at = now()
     WHERE queue_name = p_queue AND resolved_at IS NULL AND kind = p_kind
       AND message = p_message AND batch_id IS NOT DISTINCT FROM p_batch
       AND event_id IS NOT DISTINCT FROM p_event AND table_name IS NOT DISTINCT FROM p_table
    RETURNING error_id INTO v_id;
    IF FOUND THEN
        RETURN v_id;
    END IF;
    INSERT INTO ferry.node_error (queue_name, node_name, kind, batch_id, tick_from, tick_to,
                                  event_id, table_name, sql_state, message)
    SELECT p_queue, node_name, p_kind, p_batch, p_tick_from, p_tick_to, p_event, p_table,
           p_sql_state, p_message
      FROM ferry.node_info WHERE queue_name = p_queue
    RETURNING error_id INTO v_id;
    DELETE FROM ferry.node_error
     WHERE queue_name = p_queue
       AND error_id <= (SELECT error_id FROM ferry.node_error WHERE queue_name = p_queue
                         ORDER BY error_id DESC OFFSET 1000 LIMIT 1);
    RETURN v_id;
END $$;

-- The worker is past its open errors of one kind (for copies: of one table).
CREATE FUNCTION ferry._resolve_node_errors(p_queue text, p_kind text, p_table text)
RETURNS void LANGUAGE sql AS $$
    UPDATE ferry.node_error SET resolved_at = now()
     WHERE queue_name = p_queue AND resolved_at IS NULL AND kind = p_kind
       AND (p_table IS NULL OR table_name = p_table)
$$;

SELECT ferry._pin_search_paths();
