-- Issue 21, pause and resume on demand. A pipeline an operator paused, per consumer group: every
-- replica of the group reads this table at start and then on a short interval, and keeps the
-- pipeline's partitions paused while its row exists; resuming deletes the row. Kept in Postgres so
-- that every replica and a restart obey it, and so that the CLI works without reaching a worker.
CREATE TABLE ferry.pipeline_pauses (
  group_id  text        NOT NULL,
  pipeline  text        NOT NULL,
  paused_at timestamptz NOT NULL DEFAULT now(),
  paused_by text        NOT NULL,
  reason    text        NOT NULL DEFAULT '',
  PRIMARY KEY (group_id, pipeline)
);
