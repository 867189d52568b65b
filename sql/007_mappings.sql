-- Ferry schema, version 7: how a leaf maps a table beyond its name
-- (docs/DESIGN.md §4, "Tables as built").

-- A row condition: an SQL boolean expression over the provider's columns
-- (`userid < 1000`). The provider evaluates it for the initial copy and for
-- every later row image of the table: a row that does not match is never
-- copied, an image that stops matching deletes the row here. NULL: every row.
ALTER TABLE ferry.node_table ADD COLUMN row_condition text;
-- The columns the node keeps (names, the primary key among them); NULL:
-- every column of the provider's table.
ALTER TABLE ferry.node_table ADD COLUMN column_list text[];
-- The initial copy adds to the rows the table holds instead of replacing
-- them (add-table --skip-truncate).
ALTER TABLE ferry.node_table ADD COLUMN skip_truncate boolean NOT NULL DEFAULT false;

SELECT ferry._pin_search_paths();
