-- Ferry schema, version 2: capture triggers that put a table's changes into
-- a queue, and the deny trigger that keeps applications off leaf tables.
--
-- An event holds:
--   ev_op    'I' insert, 'U' update, 'D' delete, 'T' truncate
--   ev_table the captured table (ferry.queue_table.table_id)
--   ev_key   the OLD row's primary key as a JSON object (U and D), so an
--            update that changes the key replicates as one
--   ev_data  the NEW row image as JSON (I and U); to_json() is written in C,
--            and ferry.decode_sql() turns it back into the same row
--
-- to_json() is exact for most types, but not for all, and not under every
-- session setting. So, per column, decided when the table is captured:
--   * json/jsonb columns, arrays, and composites holding json travel as their
--     text output (a JSON string): to_json would turn a json 'null' into SQL
--     NULL, drop array lower bounds, and decode escapes inside json strings;
--   * where a column's output depends on a session setting (interval:
--     IntervalStyle; float4/8: extra_float_digits; money: lc_monetary;
--     dates inside ranges, arrays and composites: DateStyle), the capture
--     function fixes that setting (SET clause), so an application session
--     with odd settings still writes exact events.
-- A table without such columns gets the plain, fastest form: to_json(NEW).
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
    -- json/jsonb columns sent as text: decode_sql() parses them back
    json_text_columns text[] NOT NULL DEFAULT '{}',
    -- false once released: the row stays so that older events keep their table name
    captured    boolean NOT NULL DEFAULT true
);
CREATE UNIQUE INDEX queue_table_captured ON ferry.queue_table (queue_id, table_oid) WHERE captured;


-- ------------------------------------------------------------ capture role

-- The capture functions run as SECURITY DEFINER, so their owner's rights are
-- what any writer of a captured table borrows -- also inside a user-defined
-- cast to json or text that to_json() may call. That owner must therefore
-- not be a superuser: when a superuser installs Ferry, the functions are
-- given to ferry_capture, a role that can log in nowhere and may only
-- append to the event tables.
DO $do$
BEGIN
    IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
       AND NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'ferry_capture') THEN
        CREATE ROLE ferry_capture NOLOGIN;
    END IF;
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'ferry_capture') THEN
        GRANT USAGE ON SCHEMA ferry TO ferry_capture;
    END IF;
END $do$;

CREATE FUNCTION ferry._capture_owner() RETURNS name
LANGUAGE sql STABLE AS $$
    SELECT rolname FROM pg_roles
     WHERE rolname = 'ferry_capture' AND pg_has_role(current_user, oid, 'USAGE')
$$;

CREATE OR REPLACE FUNCTION ferry._grant_event_tables(p_queue_id int) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    v_owner name := ferry._capture_owner();
    v_n     int;
BEGIN
    IF v_owner IS NULL THEN
        RETURN;
    END IF;
    FOR v_n IN SELECT table_no FROM ferry.event_table WHERE queue_id = p_queue_id LOOP
        EXECUTE format('GRANT INSERT ON %s TO %I', ferry._event_table(p_queue_id, v_n), v_owner);
    END LOOP;
    EXECUTE format('GRANT USAGE ON SEQUENCE %s TO %I', ferry._event_seq(p_queue_id), v_owner);
END $$;

-- Queues created under version 1.
DO $do$
DECLARE
    v_id int;
BEGIN
    FOR v_id IN SELECT queue_id FROM ferry.queue LOOP
        PERFORM ferry._grant_event_tables(v_id);
    END LOOP;
END $do$;

CREATE FUNCTION ferry._trigger_name(p_queue text, p_kind text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$ SELECT '_ferry_' || p_queue || '_' || p_kind $$;

-- What a type's JSON/text output depends on or needs: 'json', 'array',
-- 'range', 'composite', 'interval', 'float', 'money', 'datetime' (through
-- domains, arrays, ranges, multiranges and composite types).
CREATE FUNCTION ferry._type_traits(p_type oid, p_depth int DEFAULT 0) RETURNS text[]
LANGUAGE plpgsql STABLE AS $$
DECLARE
    t   pg_type;
    v_r text[] := '{}';
    v_a oid;
BEGIN
    IF p_depth > 20 THEN
        RETURN v_r;
    END IF;
    SELECT * INTO t FROM pg_type WHERE oid = p_type;
    IF t.typtype = 'd' THEN
        RETURN ferry._type_traits(t.typbasetype, p_depth + 1);
    ELSIF t.typcategory = 'A' AND t.typelem <> 0 THEN
        RETURN ferry._type_traits(t.typelem, p_depth + 1) || '{array}'::text[];
    ELSIF t.typtype = 'r' THEN
        RETURN ferry._type_traits((SELECT rngsubtype FROM pg_range WHERE rngtypid = p_type), p_depth + 1)
               || '{range}'::text[];
    ELSIF t.typtype = 'm' THEN
        RETURN ferry._type_traits((SELECT rngsubtype FROM pg_range WHERE rngmultitypid = p_type), p_depth + 1)
               || '{range}'::text[];
    ELSIF t.typtype = 'c' THEN
        FOR v_a IN SELECT atttypid FROM pg_attribute
                    WHERE attrelid = t.typrelid AND attnum > 0 AND NOT attisdropped LOOP
            v_r := v_r || ferry._type_traits(v_a, p_depth + 1);
        END LOOP;
        RETURN v_r || '{composite}'::text[];
    END IF;
    RETURN CASE
        WHEN p_type IN ('json'::regtype, 'jsonb'::regtype) THEN '{json}'
        WHEN p_type = 'interval'::regtype THEN '{interval}'
        WHEN p_type IN ('float4'::regtype, 'float8'::regtype) THEN '{float}'
        WHEN p_type = 'money'::regtype THEN '{money}'
        WHEN p_type IN ('date'::regtype, 'time'::regtype, 'timetz'::regtype,
                        'timestamp'::regtype, 'timestamptz'::regtype) THEN '{datetime}'
        ELSE '{}' END::text[];
END $$;

-- (Re)creates the three row capture functions of one table, writing into the
-- queue's current event table. Also records which columns travel as text.
CREATE FUNCTION ferry._install_capture_functions(p_table_id int) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    t        ferry.queue_table;
    q        ferry.queue;
    v_col    record;
    v_event  text;
    v_key    text;
    v_fields text[] := '{}';
    v_json   text[] := '{}';
    v_text   boolean := false;
    v_all    text[] := '{}';
    v_traits text[];
    v_set    text := '';
    v_data   text;
    v_op     text;
    v_body   text;
    v_owner  name := ferry._capture_owner();
BEGIN
    SELECT * INTO t FROM ferry.queue_table WHERE table_id = p_table_id;
    SELECT * INTO q FROM ferry.queue WHERE queue_id = t.queue_id;
    v_event := ferry._event_table(q.queue_id, q.cur_table);
    SELECT 'pg_catalog.json_build_object(' || string_agg(format('%L, OLD.%I', k, k), ', ') || ')'
      INTO v_key FROM unnest(t.key_columns) AS k;

    FOR v_col IN SELECT a.attname, a.atttypid FROM pg_attribute a
                  WHERE a.attrelid = t.table_oid AND a.attnum > 0 AND NOT a.attisdropped
                  ORDER BY a.attnum LOOP
        v_traits := ferry._type_traits(v_col.atttypid);
        v_all := v_all || v_traits;
        IF 'json' = ANY (v_traits) OR 'array' = ANY (v_traits) THEN
            v_text := true;
            v_fields := v_fields || format('%L, NEW.%I::pg_catalog.text', v_col.attname, v_col.attname);
            IF NOT ('array' = ANY (v_traits) OR 'composite' = ANY (v_traits) OR 'range' = ANY (v_traits)) THEN
                v_json := v_json || v_col.attname::text; -- a json/jsonb column itself
            END IF;
        ELSE
            v_fields := v_fields || format('%L, NEW.%I', v_col.attname, v_col.attname);
        END IF;
    END LOOP;
    UPDATE ferry.queue_table SET json_text_columns = v_json WHERE table_id = p_table_id;

    IF NOT v_text THEN
        v_data := 'pg_catalog.to_json(NEW)';
    ELSIF cardinality(v_fields) <= 50 THEN
        v_data := 'pg_catalog.json_build_object(' || array_to_string(v_fields, ', ') || ')';
    ELSE
        -- json_build_object takes at most 100 arguments: build wide rows in pieces.
        SELECT string_agg('pg_catalog.jsonb_build_object(' || array_to_string(v_fields[i:i + 49], ', ') || ')',
                          ' OPERATOR(pg_catalog.||) ')
          INTO v_data FROM generate_series(1, cardinality(v_fields), 50) AS i;
        v_data := '(' || v_data || ')::pg_catalog.json';
    END IF;

    IF 'interval' = ANY (v_all) THEN
        v_set := v_set || ' SET IntervalStyle = postgres';
    END IF;
    IF 'float' = ANY (v_all) THEN
        v_set := v_set || ' SET extra_float_digits = 3';
    END IF;
    IF 'money' = ANY (v_all) THEN
        v_set := v_set || ' SET lc_monetary = ''C''';
    END IF;
    IF 'datetime' = ANY (v_all) AND ('range' = ANY (v_all) OR 'array' = ANY (v_all) OR 'composite' = ANY (v_all)) THEN
        v_set := v_set || ' SET DateStyle = ''ISO, MDY''';
    END IF;

    FOREACH v_op IN ARRAY ARRAY['i', 'u', 'd'] LOOP
        v_body := format('BEGIN INSERT INTO %s (ev_op, ev_table, ev_key, ev_data) VALUES (%L::pg_catalog."char", %s, %s, %s); RETURN NULL; END',
                         v_event, upper(v_op), t.table_id,
                         CASE WHEN v_op = 'i' THEN 'NULL' ELSE v_key END,
                         CASE WHEN v_op = 'd' THEN 'NULL' ELSE v_data END);
        EXECUTE format('CREATE OR REPLACE FUNCTION ferry._cap_%s_%s() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER%s AS %L',
                       v_op, t.table_id, v_set, v_body);
        -- Nobody may attach these to a trigger of their own and forge events.
        EXECUTE format('REVOKE ALL ON FUNCTION ferry._cap_%s_%s() FROM PUBLIC', v_op, t.table_id);
        IF v_owner IS NOT NULL THEN
            EXECUTE format('ALTER FUNCTION ferry._cap_%s_%s() OWNER TO %I', v_op, t.table_id, v_owner);
        END IF;
    END LOOP;
END $$;

-- The query that turns one event's ev_data ($1, json) back into a row of the
-- captured table (or of p_target, a table with the same column names, e.g. a
-- renamed copy on a leaf). Undoes the text form of json/jsonb columns. The
-- session must use lc_monetary = 'C' for money columns, like capture does.
CREATE FUNCTION ferry.decode_sql(p_table_id int, p_target regclass DEFAULT NULL) RETURNS text
LANGUAGE plpgsql STABLE AS $$
DECLARE
    t      ferry.queue_table;
    v_rel  regclass;
    v_cols text;
BEGIN
    SELECT * INTO t FROM ferry.queue_table WHERE table_id = p_table_id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no captured table with id %', p_table_id USING ERRCODE = 'undefined_object';
    END IF;
    v_rel := coalesce(p_target, t.table_oid::regclass);
    SELECT string_agg(CASE WHEN a.attname = ANY (t.json_text_columns)
                           THEN format('(d.%I OPERATOR(pg_catalog.#>>) ''{}'')::%s AS %I',
                                       a.attname, a.atttypid::regtype, a.attname)
                           ELSE format('d.%I', a.attname) END,
                      ', ' ORDER BY a.attnum)
      INTO v_cols
      FROM pg_attribute a WHERE a.attrelid = v_rel AND a.attnum > 0 AND NOT a.attisdropped;
    RETURN format('SELECT %s FROM pg_catalog.json_populate_record(NULL::%s, $1::pg_catalog.json) d',
                  v_cols, v_rel);
END $$;

-- TRUNCATE is rare: one generic function finds the current event table itself.
CREATE FUNCTION ferry._capture_truncate() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    v_queue_id int := TG_ARGV[0]::int;
    v_cur      int;
BEGIN
    -- The arguments name the table; make sure the trigger sits on that table.
    IF NOT EXISTS (SELECT 1 FROM ferry.queue_table
                    WHERE table_id = TG_ARGV[1]::int AND queue_id = v_queue_id
                      AND table_oid = TG_RELID AND captured) THEN
        RAISE EXCEPTION 'ferry._capture_truncate() fired on a table it does not capture'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    SELECT cur_table INTO v_cur FROM ferry.queue WHERE queue_id = v_queue_id;
    EXECUTE format('INSERT INTO %s (ev_op, ev_table) VALUES (''T'', $1)', ferry._event_table(v_queue_id, v_cur))
      USING TG_ARGV[1]::int;
    RETURN NULL;
END $$;
REVOKE ALL ON FUNCTION ferry._capture_truncate() FROM PUBLIC;

-- A table's primary key columns in key order; NULL when it has none.
CREATE FUNCTION ferry._primary_key(p_table oid) RETURNS text[]
LANGUAGE sql STABLE AS $$
    SELECT array_agg(a.attname::text ORDER BY k.ord)
      FROM pg_index i
      CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
      JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
     WHERE i.indrelid = p_table AND i.indisprimary
$$;

-- Removes a table's row capture functions and marks it released (its row
-- stays, so older events keep their table name).
CREATE FUNCTION ferry._forget_table(p_table_id int) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    v_kind text;
BEGIN
    FOREACH v_kind IN ARRAY ARRAY['i', 'u', 'd'] LOOP
        EXECUTE format('DROP FUNCTION IF EXISTS ferry._cap_%s_%s()', v_kind, p_table_id);
    END LOOP;
    UPDATE ferry.queue_table SET captured = false WHERE table_id = p_table_id;
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
    IF v_rel.relkind = 'p' THEN
        -- Statement triggers (TRUNCATE) do not reach the partitions.
        RAISE EXCEPTION 'cannot replicate %: partitioned tables are not supported yet', p_table
            USING ERRCODE = 'feature_not_supported',
                  HINT = 'Replicate each partition as a table of its own.';
    END IF;
    IF v_rel.relkind <> 'r' THEN
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
    v_keys := ferry._primary_key(p_table);
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
    PERFORM ferry._forget_table(v_id);
    RETURN true;
END $$;

-- A captured table that was dropped (DROP TABLE took its triggers along):
-- mark it released and remove its capture functions.
CREATE FUNCTION ferry._forget_dropped_tables(p_queue_id int) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    v_id int;
BEGIN
    FOR v_id IN SELECT table_id FROM ferry.queue_table qt
                 WHERE queue_id = p_queue_id AND captured
                   AND NOT EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = qt.table_oid) LOOP
        PERFORM ferry._forget_table(v_id);
    END LOOP;
END $$;

-- Rotation re-points every capture function of the queue at the new table.
CREATE OR REPLACE FUNCTION ferry._after_rotate(p_queue_id int) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    v_id int;
BEGIN
    PERFORM ferry._forget_dropped_tables(p_queue_id);
    FOR v_id IN SELECT table_id FROM ferry.queue_table WHERE queue_id = p_queue_id AND captured LOOP
        PERFORM ferry._install_capture_functions(v_id);
    END LOOP;
END $$;

CREATE OR REPLACE FUNCTION ferry._before_drop_queue(p_queue_id int) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    v_tables text;
BEGIN
    PERFORM ferry._forget_dropped_tables(p_queue_id);
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
-- fire at all. This guards against mistakes, it is not a security boundary:
-- use privileges to keep roles off a leaf's tables.
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

-- ---------------------------------------------------------- DDL on tables

-- Re-reads a captured table's name and primary key and regenerates its
-- capture functions: after ALTER TABLE ... RENAME, ADD/DROP COLUMN, a new
-- primary key. Dropping the primary key of a captured table is refused.
CREATE FUNCTION ferry._refresh_table(p_table_id int) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    t      ferry.queue_table;
    v_keys text[];
BEGIN
    SELECT * INTO t FROM ferry.queue_table WHERE table_id = p_table_id;
    v_keys := ferry._primary_key(t.table_oid);
    IF v_keys IS NULL THEN
        RAISE EXCEPTION 'table %.% is replicated by Ferry and needs its primary key', t.schema_name, t.table_name
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'Release the table from replication first, or add the new primary key in the same statement.';
    END IF;
    UPDATE ferry.queue_table qt
       SET key_columns = v_keys, schema_name = n.nspname, table_name = c.relname
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE qt.table_id = p_table_id AND c.oid = qt.table_oid;
    PERFORM ferry._install_capture_functions(p_table_id);
END $$;

CREATE FUNCTION ferry._on_ddl() RETURNS event_trigger
LANGUAGE plpgsql AS $$
DECLARE
    v_id int;
BEGIN
    FOR v_id IN SELECT DISTINCT qt.table_id
                  FROM pg_event_trigger_ddl_commands() d
                  JOIN ferry.queue_table qt ON qt.table_oid = d.objid AND qt.captured
                 WHERE d.classid = 'pg_class'::regclass LOOP
        PERFORM ferry._refresh_table(v_id);
    END LOOP;
END $$;

-- Event triggers need a superuser; without one, run
-- SELECT ferry._refresh_table(table_id) after changing a captured table.
DO $do$
BEGIN
    IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
        CREATE EVENT TRIGGER ferry_refresh_capture ON ddl_command_end
            WHEN TAG IN ('ALTER TABLE') EXECUTE FUNCTION ferry._on_ddl();
    END IF;
END $do$;

-- Pin the search_path of the functions above too (see 001_queue.sql).
SELECT ferry._pin_search_paths();
