-- Ferry schema, version 8: sequences (docs/DESIGN.md §4, "Sequences as
-- built"). The root registers sequences of its queue; a leaf's worker brings
-- its own sequence of the same name up to the root's value, never down, so a
-- leaf promoted to take writes hands out no id a row of the root already has.
-- Sequences are not transactional: a value read is at least any value a
-- committed row holds. No queue events: a value is read, not replayed.

-- The sequences the root replicates, by oid (a rename is followed; the
-- names are the last ones seen, kept for a sequence dropped since).
CREATE TABLE ferry.queue_sequence (
    seq_id      serial      PRIMARY KEY,
    queue_id    int         NOT NULL REFERENCES ferry.queue ON DELETE CASCADE,
    seq_oid     oid         NOT NULL,
    schema_name text        NOT NULL,
    seq_name    text        NOT NULL,
    added_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (queue_id, seq_oid)
);

-- The sequences a leaf follows: the root's seq_id, its names there (kept up
-- to date by the worker), the sequence here, and what the worker last saw.
CREATE TABLE ferry.node_sequence (
    queue_name    text        NOT NULL,
    source_seq_id int         NOT NULL,
    source_schema text        NOT NULL,
    source_name   text        NOT NULL,
    dest_schema   text        NOT NULL,
    dest_name     text        NOT NULL,
    -- the root's last value as the worker last read it (NULL: none handed
    -- out there yet, or not read yet: root_read_at says which)
    root_value    bigint,
    root_read_at  timestamptz,
    -- why the worker cannot follow it (a code, see advance_sequences)
    problem       text,
    added_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (queue_name, source_seq_id),
    UNIQUE (queue_name, dest_schema, dest_name)
);

-- Where one sequence stands, as this session may read it: its last value
-- and whether it was handed out (is_called), its increment and range; or a
-- problem: 'missing' (no such sequence), 'no-schema-usage' (no USAGE on
-- its schema), 'unreadable' (no SELECT on it).
-- Reads the sequence and the catalog only: no code another role controls.
CREATE FUNCTION ferry._sequence_position(p_seq oid,
    OUT last_value bigint, OUT is_called boolean, OUT increment bigint,
    OUT min_value bigint, OUT max_value bigint, OUT problem text)
LANGUAGE plpgsql STABLE AS $$
BEGIN
    IF p_seq IS NULL OR NOT EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = p_seq AND c.relkind = 'S') THEN
        problem := 'missing';
        RETURN;
    END IF;
    IF NOT coalesce(has_schema_privilege((SELECT c.relnamespace FROM pg_class c WHERE c.oid = p_seq), 'USAGE'),
                    false) THEN
        problem := 'no-schema-usage';
        RETURN;
    END IF;
    IF NOT coalesce(has_sequence_privilege(p_seq, 'SELECT'), false) THEN
        problem := 'unreadable';
        RETURN;
    END IF;
    EXECUTE format('SELECT last_value, is_called FROM %s', p_seq::regclass)
       INTO last_value, is_called;
    SELECT s.seqincrement, s.seqmin, s.seqmax INTO increment, min_value, max_value
      FROM pg_sequence s WHERE s.seqrelid = p_seq;
END $$;

-- The relation schema.name, found in the catalog (to_regclass() would fail
-- on a schema this role may not use, where this is 'no-schema-usage').
CREATE FUNCTION ferry._relation(p_schema text, p_name text) RETURNS oid
LANGUAGE sql STABLE AS $$
    SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = p_schema AND c.relname = p_name
$$;

-- The root's sequences of a queue and their last values handed out (NULL:
-- none since it was made or set with is_called = false), with their names
-- now, or a problem ('missing': dropped; 'unreadable', 'no-schema-usage':
-- the calling role may not read it). What a leaf's worker asks once per
-- round, for all.
-- SECURITY INVOKER: it reads with the caller's rights and gives none.
CREATE FUNCTION ferry.sequence_values(p_queue text)
RETURNS TABLE (seq_id int, schema_name text, seq_name text, last_value bigint, problem text)
LANGUAGE sql STABLE AS $$
    SELECT s.seq_id, coalesce(n.nspname::text, s.schema_name), coalesce(c.relname::text, s.seq_name),
           CASE WHEN p.is_called THEN p.last_value END, p.problem
      FROM ferry.queue_sequence s
      JOIN ferry.queue q ON q.queue_id = s.queue_id
      LEFT JOIN pg_class c ON c.oid = s.seq_oid AND c.relkind = 'S'
      LEFT JOIN pg_namespace n ON n.oid = c.relnamespace
     CROSS JOIN LATERAL ferry._sequence_position(c.oid) p
     WHERE q.queue_name = p_queue
     ORDER BY 2, 3
$$;

-- Brings this node's sequences of a queue up to the root's values (p_root:
-- the rows of the root's sequence_values() as a JSON array), never down: a
-- sequence is set only where the root's value is past this node's in the
-- direction of its increment, so a value the node handed out itself stays.
-- Records what it saw in node_sequence (only what changed) and returns,
-- per subscription, its sequence here, the values, whether it was set, and
-- the problem that keeps it from following:
--   gone-from-root  the root no longer replicates it (remove-seq there)
--   root-missing    dropped on the root
--   root-unreadable, root-no-schema-usage  the provider session's role may
--                   not read it there
--   missing         no such sequence here
--   no-schema-usage this role may not use its schema here
--   unreadable      this role may not read it here (SELECT)
--   not-updatable   this role may not set it here (UPDATE)
--   out-of-range    the root's value lies outside this sequence's range
-- Runs with the caller's rights; setval() and reads only (no code another
-- role controls). A nextval() here between the read and the setval() that
-- passes the root's value could be lowered: a leaf's applications do not
-- draw from the sequences they receive.
CREATE FUNCTION ferry.advance_sequences(p_queue text, p_root json)
RETURNS TABLE (o_seq_id int, o_dest_schema text, o_dest_name text, o_root_value bigint,
               o_node_value bigint, o_advanced boolean, o_problem text)
LANGUAGE plpgsql AS $$
DECLARE
    s       record;
    p       record;
    v_seq   oid;
    v_ahead boolean;
    v_read  boolean; -- the root gave a value (or none handed out) for it
BEGIN
    FOR s IN
        SELECT ns.source_seq_id, ns.source_schema, ns.source_name, ns.dest_schema, ns.dest_name,
               ns.root_value AS known_value, ns.root_read_at, ns.problem AS known_problem,
               r.seq_id IS NOT NULL AS on_root, r.schema_name AS root_schema,
               r.seq_name AS root_name, r.last_value AS root_value, r.problem AS root_problem
          FROM ferry.node_sequence ns
          LEFT JOIN json_to_recordset(p_root) AS r(seq_id int, schema_name text, seq_name text,
                                                   last_value bigint, problem text)
                 ON r.seq_id = ns.source_seq_id
         WHERE ns.queue_name = p_queue
         ORDER BY ns.dest_schema, ns.dest_name
    LOOP
        o_seq_id := s.source_seq_id;
        o_dest_schema := s.dest_schema;
        o_dest_name := s.dest_name;
        o_root_value := s.root_value;
        o_node_value := NULL;
        o_advanced := false;
        o_problem := NULL;
        v_seq := ferry._relation(s.dest_schema, s.dest_name);
        SELECT * INTO p FROM ferry._sequence_position(v_seq);
        v_read := s.on_root AND s.root_problem IS NULL;
        IF NOT s.on_root THEN
            o_problem := 'gone-from-root';
        ELSIF s.root_problem IS NOT NULL THEN
            o_problem := 'root-' || s.root_problem;
        ELSIF p.problem IS NOT NULL THEN
            o_problem := p.problem;
        ELSE
            o_node_value := CASE WHEN p.is_called THEN p.last_value END;
            IF s.root_value IS NOT NULL THEN
                -- Not called: the next nextval() hands out last_value itself.
                v_ahead := CASE WHEN p.increment > 0
                                THEN s.root_value > p.last_value
                                     OR (NOT p.is_called AND s.root_value = p.last_value)
                                ELSE s.root_value < p.last_value
                                     OR (NOT p.is_called AND s.root_value = p.last_value) END;
                IF v_ahead THEN
                    IF NOT coalesce(has_sequence_privilege(v_seq, 'UPDATE'), false) THEN
                        o_problem := 'not-updatable';
                    ELSIF s.root_value > p.max_value OR s.root_value < p.min_value THEN
                        o_problem := 'out-of-range';
                    ELSE
                        PERFORM setval(v_seq, s.root_value, true);
                        o_node_value := s.root_value;
                        o_advanced := true;
                    END IF;
                END IF;
            END IF;
        END IF;
        -- A value the root could not give is kept as it was last read.
        IF (v_read AND (s.root_read_at IS NULL OR s.root_value IS DISTINCT FROM s.known_value))
           OR o_problem IS DISTINCT FROM s.known_problem
           OR (s.on_root AND (s.root_schema, s.root_name) IS DISTINCT FROM (s.source_schema, s.source_name)) THEN
            UPDATE ferry.node_sequence ns
               SET root_value = CASE WHEN v_read THEN s.root_value ELSE ns.root_value END,
                   root_read_at = CASE WHEN v_read THEN now() ELSE ns.root_read_at END,
                   source_schema = coalesce(s.root_schema, ns.source_schema),
                   source_name = coalesce(s.root_name, ns.source_name),
                   problem = o_problem
             WHERE ns.queue_name = p_queue AND ns.source_seq_id = s.source_seq_id;
        END IF;
        RETURN NEXT;
    END LOOP;
END $$;

SELECT ferry._pin_search_paths();
