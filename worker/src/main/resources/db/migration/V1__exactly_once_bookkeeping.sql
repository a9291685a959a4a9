-- Ferry's exactly-once bookkeeping (see docs/guarantees.md).

-- One row per (group, topic, partition): the epoch of its current owner. A new owner bumps the
-- epoch; every data transaction re-reads it FOR SHARE just before COMMIT and aborts when it is
-- no longer its own, which fences a previous owner that still has a transaction in flight.
CREATE TABLE ferry.partition_epochs (
  group_id   text        NOT NULL,
  topic      text        NOT NULL,
  partition  integer     NOT NULL,
  epoch      bigint      NOT NULL,
  owner      text        NOT NULL,
  claimed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (group_id, topic, partition)
);

-- One row per (topic, partition) per data transaction: the offsets it completed. A new owner
-- loads the markers of its partitions and skips those offsets; markers below the committed Kafka
-- offset are deleted in the background.
CREATE TABLE ferry.applied_offsets (
  group_id   text        NOT NULL,
  topic      text        NOT NULL,
  partition  integer     NOT NULL,
  epoch      bigint      NOT NULL,
  max_offset bigint      NOT NULL,
  offsets    bigint[]    NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX applied_offsets_by_partition
  ON ferry.applied_offsets (group_id, topic, partition, max_offset);
