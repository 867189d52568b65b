-- Ferry schema, version 9: events a leaf keeps for a table while its
-- initial copy runs (docs/DESIGN.md §4, "Parallel copies").
--
-- A batch applied while a copy of one of its tables runs cannot tell which
-- of that table's events the copy's snapshot will hold: it keeps them here,
-- in its own transaction. The copy deletes the table's rows here right after
-- it locked its node_table row and before it takes its snapshot (every row
-- here then comes from a batch that committed before the snapshot, so the
-- copy holds their changes). Once the copy committed, the next batch applies
-- the rows its snapshot did not see together with its own events and
-- deletes them, in the same transaction.
CREATE TABLE ferry.held_event (
    queue_name      text     NOT NULL,
    -- the provider's table id (node_table.source_table_id)
    source_table_id int      NOT NULL,
    ev_id           bigint   NOT NULL,
    ev_txid         bigint   NOT NULL,
    ev_op           "char"   NOT NULL,
    ev_key          json,
    ev_data         json,
    PRIMARY KEY (queue_name, ev_id)
);
CREATE INDEX held_event_table ON ferry.held_event (queue_name, source_table_id);

SELECT ferry._pin_search_paths();
