-- Issue 21, rate limits. An operator's override of a pipeline's rate-limit, per consumer group: every
-- replica of the group reads this table at start and then every worker.control-interval, and obeys
-- the row instead of the pipeline's configured rate-limit while it exists; clearing deletes the row.
-- A null part is unlimited. Kept in Postgres so that every replica and a restart obey it.
CREATE TABLE ferry.pipeline_rate_limits (
  group_id           text             NOT NULL,
  pipeline           text             NOT NULL,
  records_per_second double precision CHECK (records_per_second > 0),
  max_transactions   integer          CHECK (max_transactions > 0),
  set_at             timestamptz      NOT NULL DEFAULT now(),
  set_by             text             NOT NULL,
  PRIMARY KEY (group_id, pipeline)
);
