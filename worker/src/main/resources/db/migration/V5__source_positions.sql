-- Guarantee 10, newer wins. Per target (pipeline:table) and row key (the key column values as a
-- JSON array text), the highest source position (a PostgreSQL LSN, or a time in milliseconds) of
-- a change applied to that row, deletes included, so that an older change replayed or redelivered
-- later is skipped as stale instead of rolling the row back (or bringing a deleted row back).
-- The row with row_key '' is the target's floor: the position of the last truncate applied, below
-- which every change of the target is stale. Written by the data transaction that applied the
-- change, and read there FOR UPDATE.
CREATE TABLE ferry.source_positions (
  target   text   NOT NULL,
  row_key  text   NOT NULL,
  position bigint NOT NULL,
  PRIMARY KEY (target, row_key)
);
