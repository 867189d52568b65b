-- Ferry schema, version 1: queues, ticks, consumers, batches and rotating
-- event tables. Plain SQL and PL/pgSQL, PostgreSQL 13 or later.
--
-- The semantics are PgQ's (re-implemented, not copied):
--   * an event row carries the 64-bit id of the transaction that wrote it;
--   * a tick records pg_current_snapshot();
--   * the batch between ticks A and B holds exactly the events whose
--     transaction is visible in B's snapshot and not in A's, so every
--     committed event lands in one batch, a rolled-back one in none, and a
--     transaction still running at B lands in a later batch;
--   * each queue writes into one of n event tables at a time and rotates;
--     an old table is truncated once no consumer still needs any of its rows.
--
-- The installer runs this script inside one transaction.

CREATE SCHEMA ferry;
COMMENT ON SCHEMA ferry IS 'Ferry replication: queues and node registry. Managed by Ferry; do not edit by hand.';

CREATE TABLE ferry.schema_version (
    version      int         NOT NULL,
    installed_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE ferry.queue (
    queue_id         serial PRIMARY KEY,
    queue_name       text        NOT NULL UNIQUE
                     CHECK (queue_name ~ '^[A-Za-z0-9_.-]{1,40}$'),
    n_tables         int         NOT NULL DEFAULT 3 CHECK (n_tables BETWEEN 2 AND 16),
    cur_table        int         NOT NULL DEFAULT 0,
    switch_time      timestamptz NOT NULL DEFAULT now(),
    rotations        bigint      NOT NULL DEFAULT 0,
    -- how long one event table takes writes before the next one takes over
    rotation_period  interval    NOT NULL DEFAULT '2 hours',
    -- tick when events are waiting and this much time passed (pgqd: ticker_max_lag)
    tick_period      interval    NOT NULL DEFAULT '1 second',
    -- tick at least this often even when nothing happens (pgqd: ticker_idle_period)
    idle_period      interval    NOT NULL DEFAULT '60 seconds',
    -- tick at once when this many events are waiting (pgqd: ticker_max_count)
    tick_max_events  bigint      NOT NULL DEFAULT 500,
    -- a lagging consumer takes several ticks as one batch up to about this many events
    max_batch_events bigint      NOT NULL DEFAULT 100000,
    created_at       timestamptz NOT NULL DEFAULT now()
);

-- tick_event_seq is the queue's event sequence at tick time: the number of
-- events between two ticks is estimated from it (exact once all committed).
CREATE TABLE ferry.tick (
    queue_id       int         NOT NULL REFERENCES ferry.queue ON DELETE CASCADE,
    tick_id        bigint      NOT NULL,
    tick_time      timestamptz NOT NULL DEFAULT now(),
    tick_snapshot  pg_snapshot NOT NULL DEFAULT pg_current_snapshot(),
    tick_event_seq bigint      NOT NULL,
    PRIMARY KEY (queue_id, tick_id)
);

-- A consumer's position: last_tick is the end of its last finished batch.
-- batch_id/batch_end_tick describe the batch it is working on, if any;
-- asking for the next batch again returns the same one until it is finished,
-- so a consumer that crashed mid-batch gets exactly that batch back.
CREATE TABLE ferry.consumer (
    queue_id       int         NOT NULL REFERENCES ferry.queue ON DELETE CASCADE,
    consumer_name  text        NOT NULL CHECK (length(consumer_name) BETWEEN 1 AND 128),
    last_tick      bigint      NOT NULL,
    batch_id       bigint      UNIQUE,
    batch_end_tick bigint,
    registered_at  timestamptz NOT NULL DEFAULT now(),
    active_at      timestamptz,
    PRIMARY KEY (queue_id, consumer_name)
);

CREATE SEQUENCE ferry.batch_id_seq;

CREATE TABLE ferry.event_table (
    queue_id  int  NOT NULL REFERENCES ferry.queue ON DELETE CASCADE,
    table_no  int  NOT NULL,
    PRIMARY KEY (queue_id, table_no)
);

-- Names of a queue's event tables and sequence (ids, not user text, so no quoting issues).
CREATE FUNCTION ferry._event_table(p_queue_id int, p_no int) RETURNS text
LANGUAGE sql IMMUTABLE AS $$ SELECT format('ferry.event_%s_%s', p_queue_id, p_no) $$;

CREATE FUNCTION ferry._event_seq(p_queue_id int) RETURNS text
LANGUAGE sql IMMUTABLE AS $$ SELECT format('ferry.event_%s_seq', p_queue_id) $$;

CREATE FUNCTION ferry._queue(p_queue text) RETURNS ferry.queue
LANGUAGE plpgsql STABLE AS $$
DECLARE
    q ferry.queue;
BEGIN
    SELECT * INTO q FROM ferry.queue WHERE queue_name = p_queue;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'queue "%" does not exist', p_queue
            USING ERRCODE = 'undefined_object',
                  HINT = 'Create it with ferry.create_queue() or check the queue_name setting.';
    END IF;
    RETURN q;
END $$;

-- The events a queue has seen so far (0 before the first).
CREATE FUNCTION ferry._event_count(p_queue_id int) RETURNS bigint
LANGUAGE sql STABLE AS $$
    SELECT coalesce(pg_sequence_last_value(ferry._event_seq(p_queue_id)::regclass), 0)
$$;

-- Queue maintenance and ticks rely on READ COMMITTED: each statement must see
-- what committed before it (after a lock was taken). Under REPEATABLE READ a
-- truncation could miss rows committed since the transaction began.
CREATE FUNCTION ferry._require_read_committed() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('transaction_isolation') <> 'read committed' THEN
        RAISE EXCEPTION 'Ferry''s ticker and queue maintenance must run in READ COMMITTED, not %',
                        current_setting('transaction_isolation')
            USING ERRCODE = 'invalid_transaction_state',
                  HINT = 'Call it outside an explicit REPEATABLE READ or SERIALIZABLE transaction; check default_transaction_isolation.';
    END IF;
END $$;

CREATE FUNCTION ferry.create_queue(p_queue text) RETURNS int
LANGUAGE plpgsql AS $$
DECLARE
    v_id int;
    v_n  int;
BEGIN
    IF EXISTS (SELECT 1 FROM ferry.queue WHERE queue_name = p_queue) THEN
        RAISE EXCEPTION 'queue "%" already exists', p_queue USING ERRCODE = 'duplicate_object';
    END IF;
    INSERT INTO ferry.queue (queue_name) VALUES (p_queue) RETURNING queue_id, n_tables INTO v_id, v_n;
    -- No cache: ids must follow insertion order across sessions, because the
    -- order of events on one row is the order of their ids.
    EXECUTE format('CREATE SEQUENCE %s NO CYCLE', ferry._event_seq(v_id));
    FOR i IN 0 .. v_n - 1 LOOP
        -- Rows are written once, read in a few batches and truncated as a whole:
        -- no primary key, only a BRIN index that costs the writers next to nothing.
        EXECUTE format($f$
            CREATE TABLE %1$s (
                ev_id    bigint  NOT NULL DEFAULT nextval(%2$L),
                ev_txid  bigint  NOT NULL DEFAULT txid_current(),
                ev_op    "char"  NOT NULL,
                ev_table int     NOT NULL,
                ev_key   json,
                ev_data  json
            ) WITH (autovacuum_enabled = off, fillfactor = 100)$f$,
            ferry._event_table(v_id, i), ferry._event_seq(v_id));
        EXECUTE format('CREATE INDEX ON %s USING brin (ev_txid) WITH (pages_per_range = 16, autosummarize = on)',
                       ferry._event_table(v_id, i));
        INSERT INTO ferry.event_table (queue_id, table_no) VALUES (v_id, i);
    END LOOP;
    PERFORM ferry._grant_event_tables(v_id);
    -- The first tick: consumers registered from now on start here.
    INSERT INTO ferry.tick (queue_id, tick_id, tick_event_seq) VALUES (v_id, 1, 0);
    RETURN v_id;
END $$;

CREATE FUNCTION ferry.drop_queue(p_queue text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    q ferry.queue := ferry._queue(p_queue);
BEGIN
    PERFORM ferry._before_drop_queue(q.queue_id);
    FOR i IN 0 .. q.n_tables - 1 LOOP
        EXECUTE format('DROP TABLE IF EXISTS %s', ferry._event_table(q.queue_id, i));
    END LOOP;
    EXECUTE format('DROP SEQUENCE IF EXISTS %s', ferry._event_seq(q.queue_id));
    DELETE FROM ferry.queue WHERE queue_id = q.queue_id;
END $$;

-- Hook for later schema versions (capture refuses to drop a queue that still
-- captures tables).
CREATE FUNCTION ferry._before_drop_queue(p_queue_id int) RETURNS void
LANGUAGE sql AS $$ SELECT $$;

-- Hook: later versions grant the capture role what it needs on a new queue.
CREATE FUNCTION ferry._grant_event_tables(p_queue_id int) RETURNS void
LANGUAGE sql AS $$ SELECT $$;

CREATE FUNCTION ferry.set_queue_config(p_queue text, p_key text, p_value text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    q ferry.queue := ferry._queue(p_queue);
BEGIN
    CASE p_key
    WHEN 'rotation_period' THEN UPDATE ferry.queue SET rotation_period = p_value::interval WHERE queue_id = q.queue_id;
    WHEN 'tick_period' THEN UPDATE ferry.queue SET tick_period = p_value::interval WHERE queue_id = q.queue_id;
    WHEN 'idle_period' THEN UPDATE ferry.queue SET idle_period = p_value::interval WHERE queue_id = q.queue_id;
    WHEN 'tick_max_events' THEN UPDATE ferry.queue SET tick_max_events = p_value::bigint WHERE queue_id = q.queue_id;
    WHEN 'max_batch_events' THEN UPDATE ferry.queue SET max_batch_events = p_value::bigint WHERE queue_id = q.queue_id;
    ELSE
        RAISE EXCEPTION 'unknown queue setting "%"', p_key
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Known: rotation_period, tick_period, idle_period, tick_max_events, max_batch_events.';
    END CASE;
END $$;

-- ---------------------------------------------------------------- consumers

CREATE FUNCTION ferry.register_consumer(p_queue text, p_consumer text) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    q      ferry.queue := ferry._queue(p_queue);
    v_tick bigint;
BEGIN
    -- Serialized with maintenance, which must not delete the tick we start at.
    PERFORM 1 FROM ferry.queue WHERE queue_id = q.queue_id FOR UPDATE;
    SELECT last_tick INTO v_tick FROM ferry.consumer
     WHERE queue_id = q.queue_id AND consumer_name = p_consumer;
    IF FOUND THEN
        RETURN v_tick; -- already registered: keep its position
    END IF;
    SELECT max(tick_id) INTO v_tick FROM ferry.tick WHERE queue_id = q.queue_id;
    INSERT INTO ferry.consumer (queue_id, consumer_name, last_tick) VALUES (q.queue_id, p_consumer, v_tick);
    RETURN v_tick;
END $$;

CREATE FUNCTION ferry.unregister_consumer(p_queue text, p_consumer text) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
    q ferry.queue := ferry._queue(p_queue);
BEGIN
    DELETE FROM ferry.consumer WHERE queue_id = q.queue_id AND consumer_name = p_consumer;
    RETURN FOUND;
END $$;

-- ------------------------------------------------------------------- ticker

-- Puts a tick when events are waiting and tick_period has passed, when
-- tick_max_events are waiting, when idle_period has passed, or when forced.
-- Returns the new tick's id, or NULL when no tick was due. Consumers
-- LISTENing on "ferry:QUEUE" are woken when the tick commits.
CREATE FUNCTION ferry.ticker(p_queue text, p_force boolean DEFAULT false) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    q       ferry.queue := ferry._queue(p_queue);
    v_last  ferry.tick;
    v_count bigint;
    v_id    bigint;
BEGIN
    PERFORM ferry._require_read_committed();
    -- Decide without locking first: the ticker asks several times a second and
    -- most answers are "not yet", which must not write anything.
    FOR attempt IN 1 .. 2 LOOP
        SELECT * INTO v_last FROM ferry.tick WHERE queue_id = q.queue_id ORDER BY tick_id DESC LIMIT 1;
        v_count := ferry._event_count(q.queue_id);
        IF NOT p_force
           AND NOT (v_count - v_last.tick_event_seq >= q.tick_max_events)
           AND NOT (v_count > v_last.tick_event_seq AND now() - v_last.tick_time >= q.tick_period)
           AND NOT (now() - v_last.tick_time >= q.idle_period) THEN
            RETURN NULL;
        END IF;
        EXIT WHEN attempt = 2;
        -- Due: take the queue lock (one ticker at a time) and decide again,
        -- since another ticker may have ticked meanwhile.
        PERFORM 1 FROM ferry.queue WHERE queue_id = q.queue_id FOR UPDATE;
    END LOOP;
    v_id := v_last.tick_id + 1;
    INSERT INTO ferry.tick (queue_id, tick_id, tick_event_seq) VALUES (q.queue_id, v_id, v_count);
    PERFORM pg_notify('ferry:' || q.queue_name, v_id::text);
    RETURN v_id;
END $$;

-- ------------------------------------------------------------------ batches

CREATE TYPE ferry.batch_info AS (
    batch_id         bigint,
    prev_tick_id     bigint,
    tick_id          bigint,
    prev_tick_time   timestamptz,
    tick_time        timestamptz,
    estimated_events bigint
);

-- The consumer's open batch, or a new one from its last tick to a later
-- tick; NULL fields when no new tick exists. A lagging consumer gets several
-- ticks at once, as many as fit in max_batch_events (at least one).
CREATE FUNCTION ferry.next_batch(p_queue text, p_consumer text) RETURNS ferry.batch_info
LANGUAGE plpgsql AS $$
DECLARE
    q      ferry.queue := ferry._queue(p_queue);
    c      ferry.consumer;
    v_prev ferry.tick;
    v_end  ferry.tick;
    r      ferry.batch_info;
BEGIN
    SELECT * INTO c FROM ferry.consumer
     WHERE queue_id = q.queue_id AND consumer_name = p_consumer FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'consumer "%" is not registered on queue "%"', p_consumer, p_queue
            USING ERRCODE = 'undefined_object';
    END IF;
    SELECT * INTO v_prev FROM ferry.tick WHERE queue_id = q.queue_id AND tick_id = c.last_tick;
    IF c.batch_id IS NOT NULL THEN
        SELECT * INTO v_end FROM ferry.tick WHERE queue_id = q.queue_id AND tick_id = c.batch_end_tick;
        r.batch_id := c.batch_id;
    ELSE
        SELECT * INTO v_end FROM ferry.tick
         WHERE queue_id = q.queue_id AND tick_id > c.last_tick
           AND tick_event_seq - v_prev.tick_event_seq <= q.max_batch_events
         ORDER BY tick_id DESC LIMIT 1;
        IF NOT FOUND THEN
            SELECT * INTO v_end FROM ferry.tick
             WHERE queue_id = q.queue_id AND tick_id > c.last_tick ORDER BY tick_id LIMIT 1;
        END IF;
        IF NOT FOUND THEN
            UPDATE ferry.consumer SET active_at = now()
             WHERE queue_id = q.queue_id AND consumer_name = p_consumer;
            RETURN r; -- nothing new
        END IF;
        r.batch_id := nextval('ferry.batch_id_seq');
        UPDATE ferry.consumer SET batch_id = r.batch_id, batch_end_tick = v_end.tick_id, active_at = now()
         WHERE queue_id = q.queue_id AND consumer_name = p_consumer;
    END IF;
    r.prev_tick_id := v_prev.tick_id;
    r.tick_id := v_end.tick_id;
    r.prev_tick_time := v_prev.tick_time;
    r.tick_time := v_end.tick_time;
    r.estimated_events := v_end.tick_event_seq - v_prev.tick_event_seq;
    RETURN r;
END $$;

CREATE FUNCTION ferry.finish_batch(p_batch_id bigint) RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE ferry.consumer SET last_tick = batch_end_tick, batch_id = NULL, batch_end_tick = NULL,
                              active_at = now()
     WHERE batch_id = p_batch_id;
    RETURN FOUND;
END $$;

-- xid8 values as bigint (both are the 64-bit, epoch-extended transaction id).
CREATE FUNCTION ferry._xids(p_snapshot pg_snapshot) RETURNS bigint[]
LANGUAGE sql IMMUTABLE AS $$
    SELECT coalesce(array_agg(x::text::bigint), '{}') FROM pg_snapshot_xip(p_snapshot) AS x
$$;

-- The query that returns a batch's events in order. The condition is PgQ's
-- index-friendly form of "visible in the end tick's snapshot, not in the
-- start tick's": transactions that began after the start snapshot (a range
-- scan from its xmax), plus the few that were running at the start and have
-- committed by the end. Aborted transactions' rows are dead and never read.
CREATE FUNCTION ferry.batch_sql(p_batch_id bigint) RETURNS text
LANGUAGE plpgsql STABLE AS $$
DECLARE
    c       ferry.consumer;
    q       ferry.queue;
    s1      pg_snapshot;
    s2      pg_snapshot;
    v_xmax1 bigint;
    v_xmax2 bigint;
    v_xmin2 bigint;
    v_xip2  bigint[];
    v_done  bigint[];
    v_cond  text;
    v_parts text[] := '{}';
BEGIN
    SELECT * INTO c FROM ferry.consumer WHERE batch_id = p_batch_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'batch % is not open (finished already, or never started)', p_batch_id
            USING ERRCODE = 'undefined_object';
    END IF;
    SELECT * INTO q FROM ferry.queue WHERE queue_id = c.queue_id;
    SELECT tick_snapshot INTO s1 FROM ferry.tick WHERE queue_id = c.queue_id AND tick_id = c.last_tick;
    SELECT tick_snapshot INTO s2 FROM ferry.tick WHERE queue_id = c.queue_id AND tick_id = c.batch_end_tick;
    v_xmax1 := pg_snapshot_xmax(s1)::text::bigint;
    v_xmax2 := pg_snapshot_xmax(s2)::text::bigint;
    v_xmin2 := pg_snapshot_xmin(s2)::text::bigint;
    v_xip2 := ferry._xids(s2);
    SELECT coalesce(array_agg(x), '{}') INTO v_done
      FROM unnest(ferry._xids(s1)) AS x
     WHERE x < v_xmin2 OR (x < v_xmax2 AND x <> ALL (v_xip2));
    v_cond := format('(ev_txid >= %s AND ev_txid < %s AND ev_txid <> ALL (%L::bigint[]))',
                     v_xmax1, v_xmax2, v_xip2);
    IF cardinality(v_done) > 0 THEN
        v_cond := v_cond || format(' OR ev_txid = ANY (%L::bigint[])', v_done);
    END IF;
    FOR i IN 0 .. q.n_tables - 1 LOOP
        v_parts := v_parts || format('SELECT ev_id, ev_txid, ev_op, ev_table, ev_key, ev_data FROM %s WHERE %s',
                                     ferry._event_table(q.queue_id, i), v_cond);
    END LOOP;
    RETURN array_to_string(v_parts, ' UNION ALL ') || ' ORDER BY 1';
END $$;

-- The same events as a set, for psql users. Clients that need bounded memory
-- run batch_sql() through a cursor instead.
CREATE FUNCTION ferry.get_batch_events(p_batch_id bigint)
RETURNS TABLE (ev_id bigint, ev_txid bigint, ev_op "char", ev_table int, ev_key json, ev_data json)
LANGUAGE plpgsql AS $$
BEGIN
    RETURN QUERY EXECUTE ferry.batch_sql(p_batch_id);
END $$;

-- ------------------------------------------------------------- maintenance

-- Hook: later versions re-point capture triggers at the new event table.
CREATE FUNCTION ferry._after_rotate(p_queue_id int) RETURNS void
LANGUAGE sql AS $$ SELECT $$;

-- Switches writes to the next event table once the current one is older than
-- rotation_period and the next one has been emptied. Returns true on a switch.
CREATE FUNCTION ferry.maint_rotate(p_queue text) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
    q      ferry.queue;
    v_next int;
    v_busy boolean;
BEGIN
    PERFORM ferry._require_read_committed();
    SELECT * INTO q FROM ferry.queue WHERE queue_name = p_queue FOR UPDATE;
    IF NOT FOUND THEN
        PERFORM ferry._queue(p_queue);
    END IF;
    IF now() - q.switch_time < q.rotation_period THEN
        RETURN false;
    END IF;
    v_next := (q.cur_table + 1) % q.n_tables;
    EXECUTE format('SELECT EXISTS (SELECT 1 FROM %s)', ferry._event_table(q.queue_id, v_next)) INTO v_busy;
    IF v_busy THEN
        RETURN false; -- a consumer still needs its rows; try again later
    END IF;
    UPDATE ferry.queue SET cur_table = v_next, switch_time = now(), rotations = rotations + 1
     WHERE queue_id = q.queue_id;
    PERFORM ferry._after_rotate(q.queue_id);
    RETURN true;
END $$;

-- Truncates every non-current event table none of whose rows a consumer still
-- needs. The table is locked first (NOWAIT: a busy table is simply tried again
-- later), which also waits out every transaction that wrote into it, so no
-- uncommitted event can be lost; then the rows are checked against the oldest
-- consumer position. Returns how many tables were truncated.
CREATE FUNCTION ferry.maint_truncate(p_queue text) RETURNS int
LANGUAGE plpgsql AS $$
DECLARE
    q         ferry.queue := ferry._queue(p_queue);
    v_snap    pg_snapshot;
    v_table   text;
    v_pending boolean;
    v_done    int := 0;
BEGIN
    PERFORM ferry._require_read_committed();
    PERFORM 1 FROM ferry.queue WHERE queue_id = q.queue_id FOR UPDATE;
    -- The oldest position of any consumer; without consumers, the latest tick,
    -- where a consumer registering now would start.
    SELECT t.tick_snapshot INTO v_snap
      FROM ferry.consumer c JOIN ferry.tick t ON t.queue_id = c.queue_id AND t.tick_id = c.last_tick
     WHERE c.queue_id = q.queue_id
     ORDER BY c.last_tick LIMIT 1;
    IF NOT FOUND THEN
        SELECT tick_snapshot INTO v_snap FROM ferry.tick
         WHERE queue_id = q.queue_id ORDER BY tick_id DESC LIMIT 1;
    END IF;
    FOR i IN 0 .. q.n_tables - 1 LOOP
        CONTINUE WHEN i = q.cur_table;
        v_table := ferry._event_table(q.queue_id, i);
        -- Already empty: truncating again would only cost a lock and a new file.
        CONTINUE WHEN pg_relation_size(v_table::regclass) = 0;
        BEGIN
            EXECUTE format('LOCK TABLE %s IN ACCESS EXCLUSIVE MODE NOWAIT', v_table);
        EXCEPTION WHEN lock_not_available THEN
            CONTINUE;
        END;
        BEGIN
            -- Pending: not visible in the consumer's last tick snapshot.
            EXECUTE format('SELECT EXISTS (SELECT 1 FROM %s WHERE ev_txid >= %s AND (ev_txid >= %s OR ev_txid = ANY (%L::bigint[])))',
                           v_table, pg_snapshot_xmin(v_snap)::text::bigint,
                           pg_snapshot_xmax(v_snap)::text::bigint, ferry._xids(v_snap))
              INTO v_pending;
        END;
        CONTINUE WHEN v_pending;
        EXECUTE format('TRUNCATE %s', v_table);
        v_done := v_done + 1;
    END LOOP;
    RETURN v_done;
END $$;

-- Deletes ticks no consumer needs any more (always keeping the latest).
CREATE FUNCTION ferry.maint_cleanup_ticks(p_queue text) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    q      ferry.queue := ferry._queue(p_queue);
    v_keep bigint;
    v_n    bigint;
BEGIN
    PERFORM ferry._require_read_committed();
    PERFORM 1 FROM ferry.queue WHERE queue_id = q.queue_id FOR UPDATE;
    SELECT min(last_tick) INTO v_keep FROM ferry.consumer WHERE queue_id = q.queue_id;
    IF v_keep IS NULL THEN
        SELECT max(tick_id) INTO v_keep FROM ferry.tick WHERE queue_id = q.queue_id;
    END IF;
    DELETE FROM ferry.tick WHERE queue_id = q.queue_id AND tick_id < v_keep;
    GET DIAGNOSTICS v_n = ROW_COUNT;
    RETURN v_n;
END $$;

-- What a DBA asks first: how far behind is each consumer?
CREATE VIEW ferry.consumer_info AS
SELECT q.queue_name, c.consumer_name, c.last_tick, c.batch_id,
       now() - t.tick_time AS lag,
       (SELECT max(tick_id) FROM ferry.tick x WHERE x.queue_id = q.queue_id) - c.last_tick AS ticks_behind,
       ferry._event_count(q.queue_id) - t.tick_event_seq AS events_behind,
       c.active_at
  FROM ferry.consumer c
  JOIN ferry.queue q USING (queue_id)
  JOIN ferry.tick t ON t.queue_id = c.queue_id AND t.tick_id = c.last_tick;

-- Every Ferry function runs with a fixed search_path: a function of the same
-- name in a schema a user can write to (public, on PostgreSQL 13 and 14) must
-- never be picked instead of the built-in one. The generated capture
-- functions are the exception: they qualify every name themselves and are on
-- the writers' hot path, where a SET clause costs time.
CREATE FUNCTION ferry._pin_search_paths() RETURNS void
LANGUAGE plpgsql AS $do$
DECLARE
    f regprocedure;
BEGIN
    FOR f IN SELECT p.oid::regprocedure FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
              WHERE n.nspname = 'ferry' AND p.proname !~ '^_cap_[iud]_'
                AND NOT EXISTS (SELECT 1 FROM unnest(p.proconfig) c WHERE c LIKE 'search_path=%') LOOP
        EXECUTE format('ALTER FUNCTION %s SET search_path = pg_catalog, pg_temp', f);
    END LOOP;
END $do$;
SELECT ferry._pin_search_paths();
