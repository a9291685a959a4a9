-- Target table for the example 'events' pipeline (see events.schema.json).
--
-- The table name is unqualified on purpose: it is created in the current search_path, so a test
-- can create it in its own schema.
--
-- There is deliberately no primary key or unique constraint: the exactly-once tests insert into
-- this table with plain INSERTs and count rows per event_id, so a duplicate would show up instead
-- of being absorbed by a constraint.
CREATE TABLE IF NOT EXISTS events (
    event_id uuid        NOT NULL,
    user_id  text        NOT NULL,
    type     text        NOT NULL,
    amount   numeric(12, 2),
    ts       timestamptz NOT NULL,
    attrs    jsonb
);
