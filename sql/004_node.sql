-- Ferry schema, version 4: nodes and their tables. Every node keeps its own
-- identity and its tables in its own database; the root also keeps the list
-- of every member of the cascade with its location, so `status` can start at
-- any node, walk up to the root and from there down to every member.
-- Locations are connection strings without a password: passwords belong in
-- .pgpass (or the keychain), never in a table another node can read.

-- This database's node for a queue (one node per queue per database).
CREATE TABLE ferry.node_info (
    queue_name        text        PRIMARY KEY,
    node_name         text        NOT NULL CHECK (length(node_name) BETWEEN 1 AND 128),
    node_type         text        NOT NULL CHECK (node_type IN ('root', 'branch', 'leaf')),
    location          text        NOT NULL,
    provider_node     text,
    provider_location text,
    -- the consumer this node's worker reads its provider's queue as (job_name)
    worker_name       text        NOT NULL,
    paused            boolean     NOT NULL DEFAULT false,
    -- the error the worker is stuck on, if any (cleared by the next good batch)
    last_error        text,
    last_error_at     timestamptz,
    worker_seen_at    timestamptz,
    worker_pid        int,
    created_at        timestamptz NOT NULL DEFAULT now(),
    CHECK ((node_type = 'root') = (provider_location IS NULL))
);

-- The cascade's members, kept on the root.
CREATE TABLE ferry.node_location (
    queue_name    text        NOT NULL,
    node_name     text        NOT NULL,
    node_type     text        NOT NULL CHECK (node_type IN ('root', 'branch', 'leaf')),
    location      text        NOT NULL,
    provider_node text,
    worker_name   text,
    added_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (queue_name, node_name)
);

-- The tables a non-root node applies, by their name on the provider.
-- merge_state: in-copy (waiting for or in its initial copy), catching-up
-- (copied; events the copy already holds are skipped), ok.
CREATE TABLE ferry.node_table (
    queue_name    text        NOT NULL,
    source_schema text        NOT NULL,
    source_name   text        NOT NULL,
    dest_schema   text        NOT NULL,
    dest_name     text        NOT NULL,
    merge_state   text        NOT NULL DEFAULT 'in-copy'
                  CHECK (merge_state IN ('in-copy', 'catching-up', 'ok')),
    -- the provider's snapshot the initial copy read: events of transactions
    -- visible in it are already in the copied rows
    copy_snapshot text,
    copied_rows   bigint,
    copied_at     timestamptz,
    last_error    text,
    added_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (queue_name, source_schema, source_name),
    UNIQUE (queue_name, dest_schema, dest_name)
);

SELECT ferry._pin_search_paths();
