-- Scope the bookkeeping to one incarnation of a topic: a topic deleted and created again under
-- the same name starts at offset 0, and the markers of the old one must not make Ferry skip
-- the new records. Rows written before this migration have no topic id.
ALTER TABLE ferry.partition_epochs ADD COLUMN topic_id text;
ALTER TABLE ferry.applied_offsets ADD COLUMN topic_id text;
