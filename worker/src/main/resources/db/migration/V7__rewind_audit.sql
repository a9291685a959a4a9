-- Issue 21, rewind and backfill. One row per `ferry pipeline rewind` run, dry runs included: who
-- asked for what, the plan per partition (committed offset before, the new offset, the records to
-- apply again), and how it ended.
CREATE TABLE ferry.rewind_audit (
  id           bigserial   PRIMARY KEY,
  group_id     text        NOT NULL,
  pipeline     text        NOT NULL,
  requested_by text        NOT NULL,
  requested_at timestamptz NOT NULL DEFAULT now(),
  spec         text        NOT NULL,
  dry_run      boolean     NOT NULL,
  partitions   jsonb       NOT NULL,
  records      bigint      NOT NULL,
  outcome      text        NOT NULL
);
