-- Ferry schema, version 7: how a leaf maps a table beyond its name
-- (docs/DESIGN.md §4, "Tables as built").

-- A row condition: an SQL boolean expression over the provider's columns
-- (`userid < 1000`). The provider evaluates it for the initial copy and for
-- every later row image of the table: a row that does not match is never
-- copied, an image that stops matching deletes the row here. NULL: every row.
ALTER TABLE ferry.node_table ADD COLUMN row_condition text;
-- The provider's columns the condition reads, with their (base) types when
-- it was added: later row images are decoded as those columns only, so no
-- other column's type (or a domain's check) is involved in judging them,
-- also for a table the root has dropped by the time its last events come.
ALTER TABLE ferry.node_table ADD COLUMN condition_columns text[];
ALTER TABLE ferry.node_table ADD COLUMN condition_types text[];
-- The columns the node keeps (names, the primary key among them); NULL:
-- every column of the provider's table.
ALTER TABLE ferry.node_table ADD COLUMN column_list text[];
-- The initial copy adds to the rows the table holds instead of replacing
-- them (add-table --skip-truncate).
ALTER TABLE ferry.node_table ADD COLUMN skip_truncate boolean NOT NULL DEFAULT false;

SELECT ferry._pin_search_paths();
