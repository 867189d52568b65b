-- Ferry schema, version 2: capture triggers that put a table's changes into
-- a queue, and the deny trigger that keeps applications off leaf tables.
--
-- An event holds:
--   ev_op    'I' insert, 'U' update, 'D' delete, 'T' truncate
--   ev_table the captured table (ferry.queue_table.table_id)
--   ev_key   the OLD row's primary key as a JSON object (U and D), so an
--            update that changes the key replicates as one
--   ev_data  the NEW row image as JSON (I and U); to_json() is written in C,
--            and json_populate_record() turns it back into the same row
--
-- Capture functions are generated per table with its key columns and the
-- queue's current event table written into the body: no lookups and no
-- dynamic SQL on the writers' path. They run as SECURITY DEFINER (so
-- applications need no rights on Ferry's tables) and name every object with
-- its schema, so a caller's search_path cannot redirect them.

CREATE TABLE ferry.queue_table (
    table_id    serial PRIMARY KEY,
    queue_id    int     NOT NULL REFERENCES ferry.queue ON DELETE CASCADE,
    table_oid   oid     NOT NULL,
    schema_name text    NOT NULL,
    table_name  text    NOT NULL,
    key_columns text[]  NOT NULL,
    -- false once released: the row stays so that older events keep their table name
    captured    boolean NOT NULL DEFAULT true
);
CREATE UNIQUE INDEX queue_table_captured ON ferry.queue_table (queue_id, table_oid) WHERE captured;

CREATE FUNCTION ferry._trigger_name(p_queue text, p_kind text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$ SELECT '_ferry_' || p_queue || '_' || p_kind $$;

-- (Re)creates the three row capture functions of one table, writing into the
-- queue's current event table.
CREATE FUNCTION ferry._install_capture_functions(p_table_id int) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    t       ferry.queue_table;
    q       ferry.queue;
    v_event text;
    v_key   text;
    v_op    text;
    v_body  text;
BEGIN
    SELECT * INTO t FROM ferry.queue_table WHERE table_id = p_table_id;
    SELECT * INTO q FROM ferry.queue WHERE queue_id = t.queue_id;
    v_event := ferry._event_table(q.queue_id, q.cur_table);
    SELECT 'pg_catalog.json_build_object(' || string_agg(format('%L, OLD.%I', k, k), ', ') || ')'
      INTO v_key FROM unnest(t.key_columns) AS k;
    FOREACH v_op IN ARRAY ARRAY['i', 'u', 'd'] LOOP
        v_body := format('BEGIN INSERT INTO %s (ev_op, ev_table, ev_key, ev_data) VALUES (%L::pg_catalog."char", %s, %s, %s); RETURN NULL; END',
                         v_event, upper(v_op), t.table_id,
                         CASE WHEN v_op = 'i' THEN 'NULL' ELSE v_key END,
                         CASE WHEN v_op = 'd' THEN 'NULL' ELSE 'pg_catalog.to_json(NEW)' END);
        EXECUTE format('CREATE OR REPLACE FUNCTION ferry._cap_%s_%s() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER AS %L',
                       v_op, t.table_id, v_body);
    END LOOP;
END $$;

-- TRUNCATE is rare: one generic function finds the current event table itself.
CREATE FUNCTION ferry._capture_truncate() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_queue_id int := TG_ARGV[0]::int;
    v_cur      int;
BEGIN
    SELECT cur_table INTO v_cur FROM ferry.queue WHERE queue_id = v_queue_id;
    EXECUTE format('INSERT INTO %s (ev_op, ev_table) VALUES (''T'', $1)', ferry._event_table(v_queue_id, v_cur))
      USING TG_ARGV[1]::int;
    RETURN NULL;
END $$;

-- Starts capturing a table's changes into a queue. The table needs a primary
-- key. Capturing a table twice returns the existing registration.
CREATE FUNCTION ferry.capture_table(p_queue text, p_table regclass) RETURNS int
LANGUAGE plpgsql AS $$
DECLARE
    q      ferry.queue := ferry._queue(p_queue);
    v_rel  record;
    v_keys text[];
    v_id   int;
BEGIN
    SELECT c.relkind, c.relpersistence, n.nspname, c.relname INTO v_rel
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = p_table;
    IF v_rel.relkind NOT IN ('r', 'p') THEN
        RAISE EXCEPTION 'cannot replicate %: it is not a table', p_table
            USING ERRCODE = 'wrong_object_type';
    END IF;
    IF v_rel.relpersistence = 't' THEN
        RAISE EXCEPTION 'cannot replicate %: it is a temporary table', p_table
            USING ERRCODE = 'wrong_object_type';
    END IF;
    IF v_rel.nspname = 'ferry' THEN
        RAISE EXCEPTION 'cannot replicate %: it belongs to Ferry itself', p_table
            USING ERRCODE = 'wrong_object_type';
    END IF;
    SELECT array_agg(a.attname ORDER BY k.ord) INTO v_keys
      FROM pg_index i
      CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
      JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
     WHERE i.indrelid = p_table AND i.indisprimary;
    IF v_keys IS NULL THEN
        RAISE EXCEPTION 'table % has no primary key', p_table
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'Ferry needs a primary key to replicate updates and deletes: add one (ALTER TABLE ... ADD PRIMARY KEY).';
    END IF;

    SELECT table_id INTO v_id FROM ferry.queue_table
     WHERE queue_id = q.queue_id AND table_oid = p_table AND captured;
    IF FOUND THEN
        RETURN v_id;
    END IF;
    INSERT INTO ferry.queue_table (queue_id, table_oid, schema_name, table_name, key_columns)
    VALUES (q.queue_id, p_table, v_rel.nspname, v_rel.relname, v_keys)
    RETURNING table_id INTO v_id;

    PERFORM ferry._install_capture_functions(v_id);
    EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON %s FOR EACH ROW EXECUTE FUNCTION ferry._cap_i_%s()',
                   ferry._trigger_name(q.queue_name, 'ins'), p_table, v_id);
    EXECUTE format('CREATE TRIGGER %I AFTER UPDATE ON %s FOR EACH ROW EXECUTE FUNCTION ferry._cap_u_%s()',
                   ferry._trigger_name(q.queue_name, 'upd'), p_table, v_id);
    EXECUTE format('CREATE TRIGGER %I AFTER DELETE ON %s FOR EACH ROW EXECUTE FUNCTION ferry._cap_d_%s()',
                   ferry._trigger_name(q.queue_name, 'del'), p_table, v_id);
    EXECUTE format('CREATE TRIGGER %I AFTER TRUNCATE ON %s FOR EACH STATEMENT EXECUTE FUNCTION ferry._capture_truncate(%L, %L)',
                   ferry._trigger_name(q.queue_name, 'trunc'), p_table, q.queue_id, v_id);
    RETURN v_id;
END $$;

-- Stops capturing a table. Its events already in the queue stay deliverable.
CREATE FUNCTION ferry.release_table(p_queue text, p_table regclass) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
    q      ferry.queue := ferry._queue(p_queue);
    v_id   int;
    v_kind text;
BEGIN
    SELECT table_id INTO v_id FROM ferry.queue_table
     WHERE queue_id = q.queue_id AND table_oid = p_table AND captured;
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    FOREACH v_kind IN ARRAY ARRAY['ins', 'upd', 'del', 'trunc'] LOOP
        EXECUTE format('DROP TRIGGER IF EXISTS %I ON %s', ferry._trigger_name(q.queue_name, v_kind), p_table);
    END LOOP;
    FOREACH v_kind IN ARRAY ARRAY['i', 'u', 'd'] LOOP
        EXECUTE format('DROP FUNCTION IF EXISTS ferry._cap_%s_%s()', v_kind, v_id);
    END LOOP;
    UPDATE ferry.queue_table SET captured = false WHERE table_id = v_id;
    RETURN true;
END $$;

-- Rotation re-points every capture function of the queue at the new table.
CREATE OR REPLACE FUNCTION ferry._after_rotate(p_queue_id int) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    v_id int;
BEGIN
    FOR v_id IN SELECT table_id FROM ferry.queue_table WHERE queue_id = p_queue_id AND captured LOOP
        PERFORM ferry._install_capture_functions(v_id);
    END LOOP;
END $$;

CREATE OR REPLACE FUNCTION ferry._before_drop_queue(p_queue_id int) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    v_tables text;
BEGIN
    SELECT string_agg(format('%I.%I', schema_name, table_name), ', ') INTO v_tables
      FROM ferry.queue_table WHERE queue_id = p_queue_id AND captured;
    IF v_tables IS NOT NULL THEN
        RAISE EXCEPTION 'queue still captures tables: %', v_tables
            USING ERRCODE = 'dependent_objects_still_exist',
                  HINT = 'Release them first with ferry.release_table().';
    END IF;
END $$;

-- ------------------------------------------------------------------- leaves

-- Refuses application writes on a replicated leaf table. Ferry's own apply
-- session sets ferry.apply_session = on (any role may set a custom setting)
-- and passes; with session_replication_role = replica the trigger does not
-- fire at all.
CREATE FUNCTION ferry.deny_writes() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
BEGIN
    IF current_setting('ferry.apply_session', true) = 'on' THEN
        IF TG_LEVEL = 'STATEMENT' THEN
            RETURN NULL;
        ELSIF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'table %.% is a Ferry replica: % is refused on this node', TG_TABLE_SCHEMA, TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'read_only_sql_transaction',
              HINT = 'Write on the root node; Ferry copies the change here.';
END $$;

CREATE FUNCTION ferry.deny_table(p_table regclass) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = p_table AND tgname = '_ferry_deny') THEN
        RETURN; -- already denied
    END IF;
    EXECUTE format('CREATE TRIGGER _ferry_deny BEFORE INSERT OR UPDATE OR DELETE ON %s FOR EACH ROW EXECUTE FUNCTION ferry.deny_writes()', p_table);
    EXECUTE format('CREATE TRIGGER _ferry_deny_truncate BEFORE TRUNCATE ON %s FOR EACH STATEMENT EXECUTE FUNCTION ferry.deny_writes()', p_table);
END $$;

CREATE FUNCTION ferry.allow_table(p_table regclass) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = p_table AND tgname = '_ferry_deny') THEN
        EXECUTE format('DROP TRIGGER _ferry_deny ON %s', p_table);
        EXECUTE format('DROP TRIGGER _ferry_deny_truncate ON %s', p_table);
    END IF;
END $$;
