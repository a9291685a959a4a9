-- Guarantee 9, exactly once per original record, replays included. One row per original record
-- (its first origin: the input topic, partition and offset it was first read at) that a replayed
-- copy applied, written by the data transaction that applied it, with ON CONFLICT DO NOTHING: a
-- replayed copy whose origin is here already is skipped, not applied again, unless it asks to be
-- (`ferry dlt replay --reapply`). `ferry dlt replay` and `ferry dlt stats` read it too.
CREATE TABLE ferry.replayed_origins (
  group_id         text        NOT NULL,
  origin_topic     text        NOT NULL,
  origin_partition integer     NOT NULL,
  origin_offset    bigint      NOT NULL,
  replay_name      text,
  applied_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (group_id, origin_topic, origin_partition, origin_offset)
);

-- What a replay asked for, to refuse a rerun of its name that asks for something else.
ALTER TABLE ferry.replay_audit ADD COLUMN request text;
ALTER TABLE ferry.replay_audit ADD COLUMN reapply boolean NOT NULL DEFAULT false;

-- Pipelines a running worker's dead-letter breaker halted, for `ferry dlt replay` to say that its
-- records will wait. A worker deletes its rows on resume and on shutdown; a row whose owner no
-- longer owns any partition of the group (ferry.partition_epochs) is stale (the worker died).
CREATE TABLE ferry.pipeline_halts (
  group_id  text        NOT NULL,
  pipeline  text        NOT NULL,
  owner     text        NOT NULL,
  reason    text        NOT NULL,
  halted_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (group_id, pipeline, owner)
);
