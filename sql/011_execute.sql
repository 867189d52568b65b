-- Ferry schema, version 11: scripts through the queue (ferry ROOT.ini
-- execute FILE, docs/DESIGN.md §4 "Scripts through the queue").

-- On the root: each script run, with the event that carries it to the nodes.
-- The same name and hash again is refused unless --force.
CREATE TABLE ferry.executed_script (
    -- Goes with its queue (a queue made again numbers its events afresh).
    queue_name  text        NOT NULL REFERENCES ferry.queue (queue_name) ON DELETE CASCADE,
    name        text        NOT NULL,
    sha256      text        NOT NULL,
    ev_id       bigint      NOT NULL,
    executed_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
    executed_by text        NOT NULL DEFAULT pg_catalog."session_user"(),
    PRIMARY KEY (queue_name, ev_id)
);
CREATE INDEX executed_script_name ON ferry.executed_script (queue_name, name, sha256);

-- On a node: each script event applied, in the transaction of its batch
-- (the key makes it once only).
CREATE TABLE ferry.applied_script (
    -- Goes with its node (a node made again starts from a new queue).
    queue_name         text        NOT NULL REFERENCES ferry.node_info (queue_name) ON DELETE CASCADE,
    ev_id              bigint      NOT NULL,
    name               text        NOT NULL,
    sha256             text        NOT NULL,
    applied_at         timestamptz NOT NULL DEFAULT pg_catalog.now(),
    statements_run     int         NOT NULL,
    statements_skipped int         NOT NULL,
    PRIMARY KEY (queue_name, ev_id)
);

-- Puts a script into the queue's current event table as an 'E' event of no
-- table (every node reads it whatever it subscribes) and records it, in the
-- caller's transaction, the one that ran the script on the root. The event
-- carries the tables the queue replicated when the script began (p_tables,
-- from ferry.script_tables() before its first statement; now when NULL):
-- what a node rewrites against, also for a table the script drops.
-- SECURITY INVOKER: the caller needs the rights to write the queue.
CREATE FUNCTION ferry.script_tables(p_queue text) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT coalesce(json_agg(json_build_array(t.schema_name, t.table_name, t.table_id)
                             ORDER BY t.table_id),
                    '[]'::json)
      FROM ferry.queue_table t JOIN ferry.queue q USING (queue_id)
     WHERE q.queue_name = p_queue AND t.captured
$$;

CREATE FUNCTION ferry.enqueue_script(p_queue text, p_name text, p_sha256 text, p_sql text,
                                     p_tables json DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql SECURITY INVOKER AS $$
DECLARE
    q       ferry.queue;
    v_id    bigint;
    v_data  json;
BEGIN
    SELECT * INTO q FROM ferry.queue WHERE queue_name = p_queue;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'queue % does not exist', p_queue USING ERRCODE = 'undefined_object';
    END IF;
    v_data := json_build_object('name', p_name, 'sha256', p_sha256, 'sql', p_sql,
                                'tables', coalesce(p_tables, ferry.script_tables(p_queue)));
    EXECUTE format('INSERT INTO %s (ev_op, ev_table, ev_data) VALUES (''E'', 0, $1) RETURNING ev_id',
                   ferry._event_table(q.queue_id, q.cur_table))
       INTO v_id USING v_data;
    INSERT INTO ferry.executed_script (queue_name, name, sha256, ev_id)
    VALUES (p_queue, p_name, p_sha256, v_id);
    RETURN v_id;
END $$;

SELECT ferry._pin_search_paths();
