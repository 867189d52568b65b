-- Ferry schema, version 6: the engine's rules, where they live in the
-- database (docs/DESIGN.md, "The rules of the engine").
--
--   R1  a table's end in the queue is an event: when a root stops capturing
--       a table (remove-table, DROP TABLE, a table found gone), an 'R'
--       (released) event follows its last change, so a node learns it in
--       queue order instead of losing the events of a name or id that
--       stopped matching. Nodes subscribe to the provider's table id, which
--       survives a rename.
--   R3  a node's progress is kept per (queue, consumer).
--   R4  no code another role controls runs with Ferry's rights: the
--       SECURITY DEFINER capture functions never call a cast (a type's owner
--       may define one to json or text): columns of user-defined types
--       travel as their output function's text; the event triggers run as
--       their owner, so any role may ALTER its own tables; the leaf's write
--       guard passes the apply sessions of members of a role (ferry_apply,
--       or the schema's owner), not a setting any session can set.
--   R6  keys that compare equal in a form their text does not (jsonb) are
--       refused.

-- ------------------------------------------------------------------- R3

ALTER TABLE ferry.completed_tick DROP CONSTRAINT completed_tick_pkey;
ALTER TABLE ferry.completed_tick ADD PRIMARY KEY (queue_name, consumer_name);
-- The provider's time of the applied tick, in ms since the epoch: a provider
-- restored from a backup numbers its ticks again, so the id alone cannot
-- tell the tick this node applied from a new one with the same number.
ALTER TABLE ferry.completed_tick ADD COLUMN tick_epoch_ms bigint;

-- ------------------------------------------------------------------- R1

-- The provider's ferry.queue_table.table_id the node applies; NULL only for
-- tables subscribed before version 6 (the worker fills it in by name once).
ALTER TABLE ferry.node_table ADD COLUMN source_table_id int;
CREATE UNIQUE INDEX node_table_source_id ON ferry.node_table (queue_name, source_table_id);
-- Names are for display now: a table dropped on the root and one renamed to
-- its name may both be subscribed until the first one's release arrives.
ALTER TABLE ferry.node_table DROP CONSTRAINT node_table_pkey;

-- The column signature the capture functions were generated for (name:type
-- in column order): maintenance regenerates them when the table changed
-- without the event trigger seeing it (an install without superuser).
ALTER TABLE ferry.queue_table ADD COLUMN capture_signature text;

CREATE FUNCTION ferry._column_signature(p_table oid) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT string_agg(format('%s:%s', attname, atttypid), ',' ORDER BY attnum)
      FROM pg_attribute WHERE attrelid = p_table AND attnum > 0 AND NOT attisdropped
$$;

-- Removes a table's row capture functions and marks it released; its row
-- stays, so older events keep their table name. The 'R' event tells every
-- consumer, in queue order, that the table's events end here: whatever
-- dropped the capture (DROP TRIGGER, DROP TABLE) waited for every writer of
-- the table, so all its events have smaller ids.
CREATE OR REPLACE FUNCTION ferry._forget_table(p_table_id int) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    v_kind  text;
    v_queue int;
    v_cur   int;
BEGIN
    SELECT t.queue_id, q.cur_table INTO v_queue, v_cur
      FROM ferry.queue_table t JOIN ferry.queue q USING (queue_id)
     WHERE t.table_id = p_table_id AND t.captured;
    IF FOUND THEN
        EXECUTE format('INSERT INTO %s (ev_op, ev_table) VALUES (''R'', $1)',
                       ferry._event_table(v_queue, v_cur))
          USING p_table_id;
    END IF;
    FOREACH v_kind IN ARRAY ARRAY['i', 'u', 'd'] LOOP
        EXECUTE format('DROP FUNCTION IF EXISTS ferry._cap_%s_%s()', v_kind, p_table_id);
    END LOOP;
    UPDATE ferry.queue_table SET captured = false WHERE table_id = p_table_id;
END $$;

-- A captured table whose capture trigger is gone (DROP TABLE took it along)
-- is forgotten. Judged by the trigger, not by the oid: a new table may get
-- a dropped table's oid. Returns the names of the tables forgotten.
CREATE OR REPLACE FUNCTION ferry._forget_dropped_tables(p_queue_id int) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM ferry._forget_dropped(p_queue_id);
END $$;

CREATE FUNCTION ferry._forget_dropped(p_queue_id int) RETURNS text[]
LANGUAGE plpgsql AS $$
DECLARE
    v_row   record;
    v_names text[] := '{}';
BEGIN
    FOR v_row IN SELECT qt.table_id, format('%I.%I', qt.schema_name, qt.table_name) AS name
                   FROM ferry.queue_table qt JOIN ferry.queue q USING (queue_id)
                  WHERE qt.queue_id = p_queue_id AND qt.captured
                    AND NOT EXISTS (
                        SELECT 1 FROM pg_trigger tg
                         WHERE tg.tgrelid = qt.table_oid
                           AND tg.tgname = ferry._trigger_name(q.queue_name, 'ins')
                           AND tg.tgfoid = to_regprocedure(format('ferry._cap_i_%s()', qt.table_id)))
                  ORDER BY qt.table_id LOOP
        PERFORM ferry._forget_table(v_row.table_id);
        v_names := v_names || v_row.name;
    END LOOP;
    RETURN v_names;
END $$;

-- ------------------------------------------------------------- R4 capture

-- Whether a type and every type inside it (domain base, array element,
-- range subtype, composite attributes) is built in. Only built-in types are
-- safe for to_json() inside a SECURITY DEFINER function: for any other,
-- to_json() and a ::text cast call a cast function its owner may define.
CREATE FUNCTION ferry._type_is_builtin(p_type oid, p_depth int DEFAULT 0) RETURNS boolean
LANGUAGE plpgsql STABLE AS $$
DECLARE
    t   pg_type;
    v_a oid;
BEGIN
    IF p_type >= 16384 OR p_depth > 20 THEN -- FirstNormalObjectId
        RETURN false;
    END IF;
    SELECT * INTO t FROM pg_type WHERE oid = p_type;
    IF t.typtype = 'd' THEN
        RETURN ferry._type_is_builtin(t.typbasetype, p_depth + 1);
    ELSIF t.typcategory = 'A' AND t.typelem <> 0 THEN
        RETURN ferry._type_is_builtin(t.typelem, p_depth + 1);
    ELSIF t.typtype = 'r' THEN
        RETURN ferry._type_is_builtin((SELECT rngsubtype FROM pg_range WHERE rngtypid = p_type), p_depth + 1);
    ELSIF t.typtype = 'c' THEN
        FOR v_a IN SELECT atttypid FROM pg_attribute
                    WHERE attrelid = t.typrelid AND attnum > 0 AND NOT attisdropped LOOP
            IF NOT ferry._type_is_builtin(v_a, p_depth + 1) THEN
                RETURN false;
            END IF;
        END LOOP;
    END IF;
    RETURN true;
END $$;

-- A column's value as its type's text output, NULL kept: format('%s') calls
-- the type's output function (written in C, so only a superuser defines
-- one), never a cast. num_nulls() tells a NULL value from a composite whose
-- fields are all NULL.
CREATE FUNCTION ferry._text_form(p_ref text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT format('CASE WHEN pg_catalog.num_nulls(%1$s) OPERATOR(pg_catalog.=) 0 THEN pg_catalog.format(''%%s'', %1$s) END', p_ref)
$$;

-- (Re)creates the three row capture functions of one table, writing into the
-- queue's current event table. Also records which columns travel as text
-- and the column signature they were made for.
CREATE OR REPLACE FUNCTION ferry._install_capture_functions(p_table_id int) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    t        ferry.queue_table;
    q        ferry.queue;
    v_col    record;
    v_event  text;
    v_key    text;
    v_keys   text[] := '{}';
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

    FOR v_col IN SELECT a.attname, a.atttypid FROM pg_attribute a
                  WHERE a.attrelid = t.table_oid AND a.attnum > 0 AND NOT a.attisdropped
                  ORDER BY a.attnum LOOP
        v_traits := ferry._type_traits(v_col.atttypid);
        v_all := v_all || v_traits;
        IF 'json' = ANY (v_traits) OR 'array' = ANY (v_traits)
           OR NOT ferry._type_is_builtin(v_col.atttypid) THEN
            -- Travels as a JSON string of its text output.
            v_text := true;
            v_fields := v_fields || format('%L, %s', v_col.attname, ferry._text_form(format('NEW.%I', v_col.attname)));
            IF 'json' = ANY (v_traits)
               AND NOT ('array' = ANY (v_traits) OR 'composite' = ANY (v_traits) OR 'range' = ANY (v_traits)) THEN
                v_json := v_json || v_col.attname::text; -- a json/jsonb column itself
            END IF;
        ELSE
            v_fields := v_fields || format('%L, NEW.%I', v_col.attname, v_col.attname);
        END IF;
        IF v_col.attname = ANY (t.key_columns) THEN
            v_keys := v_keys || CASE WHEN ferry._type_is_builtin(v_col.atttypid)
                                     THEN format('%L, OLD.%I', v_col.attname, v_col.attname)
                                     ELSE format('%L, %s', v_col.attname, ferry._text_form(format('OLD.%I', v_col.attname))) END;
        END IF;
    END LOOP;
    v_key := 'pg_catalog.json_build_object(' || array_to_string(v_keys, ', ') || ')';
    UPDATE ferry.queue_table SET json_text_columns = v_json,
                                 capture_signature = ferry._column_signature(t.table_oid)
     WHERE table_id = p_table_id;

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
    IF 'datetime' = ANY (v_all) AND ('range' = ANY (v_all) OR 'array' = ANY (v_all) OR 'composite' = ANY (v_all)
                                     OR v_text) THEN
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

-- Why a table's primary key cannot be replicated, or NULL: a json/jsonb key
-- compares equal in forms whose text differs, so the net effect of a batch
-- could not group its events by key.
CREATE FUNCTION ferry._key_problem(p_table oid, p_keys text[]) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT format('its primary key column %I is %s', a.attname, format_type(a.atttypid, a.atttypmod))
      FROM pg_attribute a
     WHERE a.attrelid = p_table AND a.attname = ANY (p_keys)
       AND 'json' = ANY (ferry._type_traits(a.atttypid))
     ORDER BY a.attnum LIMIT 1
$$;

-- Starts capturing a table's changes into a queue. The table needs a primary
-- key. Capturing a table twice returns the existing registration.
CREATE OR REPLACE FUNCTION ferry.capture_table(p_queue text, p_table regclass) RETURNS int
LANGUAGE plpgsql AS $$
DECLARE
    q         ferry.queue := ferry._queue(p_queue);
    v_rel     record;
    v_keys    text[];
    v_id      int;
    v_problem text;
    v_parts   text;
BEGIN
    SELECT c.relkind, c.relpersistence, n.nspname, c.relname INTO v_rel
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = p_table;
    IF v_rel.relkind = 'p' THEN
        -- A statement trigger on the parent (TRUNCATE) does not fire for a
        -- partition truncated by itself, and detached partitions would take
        -- their rows along without an event: each partition is its own table.
        SELECT string_agg(relid::regclass::text, ', ' ORDER BY relid::regclass::text) INTO v_parts
          FROM pg_partition_tree(p_table) WHERE isleaf;
        RAISE EXCEPTION 'cannot replicate %: it is a partitioned table; add its partitions instead: %',
                        p_table, coalesce(v_parts, '(it has none yet)')
            USING ERRCODE = 'feature_not_supported',
                  HINT = 'Each partition is replicated as a table of its own; the node may hold them as partitions of its own table.';
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
    v_problem := ferry._key_problem(p_table, v_keys);
    IF v_problem IS NOT NULL THEN
        RAISE EXCEPTION 'cannot replicate %: %', p_table, v_problem
            USING ERRCODE = 'feature_not_supported',
                  HINT = 'Values of a json or jsonb key can be equal while their text differs; give the table a primary key of another type.';
    END IF;

    -- A registration whose table was dropped must not answer for a new table
    -- that got its oid.
    PERFORM ferry._forget_dropped(q.queue_id);
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

-- Re-reads a captured table's name and primary key and regenerates its
-- capture functions: after ALTER TABLE ... RENAME, ADD/DROP COLUMN, a new
-- primary key. Dropping the primary key, or a json/jsonb key, is refused.
CREATE OR REPLACE FUNCTION ferry._refresh_table(p_table_id int) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    t         ferry.queue_table;
    v_keys    text[];
    v_problem text;
BEGIN
    SELECT * INTO t FROM ferry.queue_table WHERE table_id = p_table_id;
    v_keys := ferry._primary_key(t.table_oid);
    IF v_keys IS NULL THEN
        RAISE EXCEPTION 'table %.% is replicated by Ferry and needs its primary key', t.schema_name, t.table_name
            USING ERRCODE = 'object_not_in_prerequisite_state',
                  HINT = 'Release the table from replication first, or add the new primary key in the same statement.';
    END IF;
    v_problem := ferry._key_problem(t.table_oid, v_keys);
    IF v_problem IS NOT NULL THEN
        RAISE EXCEPTION 'table %.% is replicated by Ferry: %', t.schema_name, t.table_name, v_problem
            USING ERRCODE = 'feature_not_supported',
                  HINT = 'Release the table from replication first.';
    END IF;
    UPDATE ferry.queue_table qt
       SET key_columns = v_keys, schema_name = n.nspname, table_name = c.relname
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE qt.table_id = p_table_id AND c.oid = qt.table_oid;
    PERFORM ferry._install_capture_functions(p_table_id);
END $$;

-- What maintenance does for the tables of a queue: forgets dropped ones (an
-- 'R' event each) and regenerates capture functions whose table changed
-- without the event trigger (installs without superuser). Returns one line
-- per table it acted on, for the ticker's log.
CREATE FUNCTION ferry.maint_tables(p_queue text) RETURNS text[]
LANGUAGE plpgsql AS $$
DECLARE
    q       ferry.queue := ferry._queue(p_queue);
    v_lines text[] := '{}';
    v_name  text;
    v_row   record;
BEGIN
    PERFORM ferry._require_read_committed();
    PERFORM 1 FROM ferry.queue WHERE queue_id = q.queue_id FOR UPDATE;
    FOREACH v_name IN ARRAY ferry._forget_dropped(q.queue_id) LOOP
        v_lines := v_lines || format('table %s was dropped: it is no longer replicated', v_name);
    END LOOP;
    FOR v_row IN SELECT table_id, format('%I.%I', schema_name, table_name) AS name
                   FROM ferry.queue_table
                  WHERE queue_id = q.queue_id AND captured
                    AND capture_signature IS DISTINCT FROM ferry._column_signature(table_oid)
                  ORDER BY table_id LOOP
        PERFORM ferry._refresh_table(v_row.table_id);
        v_lines := v_lines || format('table %s changed: its capture was brought up to date', v_row.name);
    END LOOP;
    RETURN v_lines;
END $$;

-- ------------------------------------------------------- R4 event triggers

-- Event trigger functions run as the role that ran the DDL; as SECURITY
-- DEFINER they run as the superuser who installed them, so a role that may
-- alter its own table needs no right on schema ferry. They read catalogs and
-- regenerate Ferry's own functions only: nothing another role defined.
CREATE OR REPLACE FUNCTION ferry._on_ddl() RETURNS event_trigger
LANGUAGE plpgsql SECURITY DEFINER AS $$
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

-- A dropped captured table is forgotten in the DROP's own transaction, with
-- its 'R' event.
CREATE FUNCTION ferry._on_drop() RETURNS event_trigger
LANGUAGE plpgsql SECURITY DEFINER AS $$
DECLARE
    v_id int;
BEGIN
    FOR v_id IN SELECT DISTINCT qt.table_id
                  FROM pg_event_trigger_dropped_objects() d
                  JOIN ferry.queue_table qt ON qt.table_oid = d.objid AND qt.captured
                 WHERE d.classid = 'pg_class'::regclass AND d.objsubid = 0 LOOP
        PERFORM ferry._forget_table(v_id);
    END LOOP;
END $$;
REVOKE ALL ON FUNCTION ferry._on_ddl() FROM PUBLIC;
REVOKE ALL ON FUNCTION ferry._on_drop() FROM PUBLIC;

DO $do$
BEGIN
    IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
        IF NOT EXISTS (SELECT 1 FROM pg_event_trigger WHERE evtname = 'ferry_refresh_capture') THEN
            CREATE EVENT TRIGGER ferry_refresh_capture ON ddl_command_end
                WHEN TAG IN ('ALTER TABLE') EXECUTE FUNCTION ferry._on_ddl();
        END IF;
        CREATE EVENT TRIGGER ferry_forget_dropped ON sql_drop
            WHEN TAG IN ('DROP TABLE', 'DROP SCHEMA', 'DROP OWNED') EXECUTE FUNCTION ferry._on_drop();
    END IF;
END $do$;

-- ------------------------------------------------------- R4 leaf guard

-- The role whose members' apply sessions pass a leaf's write guard:
-- ferry_apply, made here when the installing role may create roles (its
-- members are the roles a DBA lets apply: GRANT ferry_apply TO ...), else
-- the owner of schema ferry (the role that installed it, and roles it was
-- granted to). Superusers are members of every role.
DO $do$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'ferry_apply') THEN
        BEGIN
            CREATE ROLE ferry_apply NOLOGIN;
        EXCEPTION WHEN insufficient_privilege THEN
            RETURN;
        END;
    END IF;
    IF NOT pg_has_role(current_user, 'ferry_apply', 'MEMBER') THEN
        BEGIN
            EXECUTE format('GRANT ferry_apply TO %I', current_user);
        EXCEPTION WHEN insufficient_privilege OR invalid_grant_operation THEN
            NULL;
        END;
    END IF;
END $do$;

-- Roles are shared by the cluster's databases: ferry_apply counts for this
-- database only when the owner of its schema ferry is a member (it made the
-- role, or was a superuser); otherwise the owner itself is the apply role.
CREATE FUNCTION ferry.apply_role() RETURNS regrole
LANGUAGE sql STABLE AS $$
    SELECT (CASE WHEN a.oid IS NOT NULL AND pg_has_role(n.nspowner, a.oid, 'MEMBER')
                 THEN a.oid ELSE n.nspowner END)::regrole
      FROM pg_namespace n LEFT JOIN pg_roles a ON a.rolname = 'ferry_apply'
     WHERE n.nspname = 'ferry'
$$;

-- Whether the current role may apply on this node (the guard lets it pass).
CREATE FUNCTION ferry.may_apply() RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT pg_has_role(current_user, ferry.apply_role(), 'MEMBER')
$$;

-- The guard itself, with the role's oid written into its body (it runs for
-- every row a leaf without replica mode applies). Rewritten whenever tables
-- are denied, so a ferry_apply created later counts from the next add-table.
CREATE FUNCTION ferry._install_guard() RETURNS void
LANGUAGE plpgsql AS $guard$
DECLARE
    v_role oid := ferry.apply_role()::oid;
BEGIN
    IF EXISTS (SELECT 1 FROM pg_proc WHERE oid = 'ferry.deny_writes()'::regprocedure
                AND prosrc LIKE format('%%pg_has_role(current_user, %s::%%', v_role)) THEN
        RETURN; -- already guards with this role
    END IF;
    IF NOT pg_has_role(current_user, (SELECT proowner FROM pg_proc
                                       WHERE oid = 'ferry.deny_writes()'::regprocedure), 'USAGE') THEN
        RETURN; -- only its owner may rewrite it; it keeps the role it has
    END IF;
    EXECUTE format($f$
        CREATE OR REPLACE FUNCTION ferry.deny_writes() RETURNS trigger
        LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $b$
        BEGIN
            -- Ferry's apply passes: a session that says so (ferry.apply_session,
            -- against mistakes) of a member of %1$s (against everybody else).
            IF pg_catalog.current_setting('ferry.apply_session', true) OPERATOR(pg_catalog.=) 'on'
               AND pg_catalog.pg_has_role(current_user, %2$s::pg_catalog.oid, 'MEMBER') THEN
                IF TG_LEVEL = 'STATEMENT' THEN
                    RETURN NULL;
                ELSIF TG_OP = 'DELETE' THEN
                    RETURN OLD;
                END IF;
                RETURN NEW;
            END IF;
            RAISE EXCEPTION 'table %%.%% is a Ferry replica: %% is refused on this node', TG_TABLE_SCHEMA, TG_TABLE_NAME, TG_OP
                USING ERRCODE = 'read_only_sql_transaction',
                      HINT = 'Write on the root node; Ferry copies the change here.';
        END $b$$f$, v_role::regrole, v_role);
END $guard$;
SELECT ferry._install_guard();

CREATE OR REPLACE FUNCTION ferry.deny_table(p_table regclass) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM ferry._install_guard();
    IF EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = p_table AND tgname = '_ferry_deny') THEN
        RETURN; -- already denied
    END IF;
    EXECUTE format('CREATE TRIGGER _ferry_deny BEFORE INSERT OR UPDATE OR DELETE ON %s FOR EACH ROW EXECUTE FUNCTION ferry.deny_writes()', p_table);
    EXECUTE format('CREATE TRIGGER _ferry_deny_truncate BEFORE TRUNCATE ON %s FOR EACH STATEMENT EXECUTE FUNCTION ferry.deny_writes()', p_table);
END $$;

-- --------------------------------------------------------- existing queues

-- Capture functions made by earlier versions called to_json() on every type.
DO $do$
DECLARE
    v_id int;
BEGIN
    FOR v_id IN SELECT table_id FROM ferry.queue_table WHERE captured LOOP
        PERFORM ferry._install_capture_functions(v_id);
    END LOOP;
END $do$;

SELECT ferry._pin_search_paths();
