-- The audit trail of `ferry dlt replay` (not of dry runs): one row per run, written when it
-- starts (outcome 'running') and updated when it ends ('completed' or 'failed'). A row left
-- 'running' is a run that was killed; rerunning it with the same --name resumes it.
CREATE TABLE ferry.replay_audit (
  id          bigserial   PRIMARY KEY,
  name        text        NOT NULL,
  dlt_topics  text[]      NOT NULL,
  target      text        NOT NULL,
  filters     text        NOT NULL,
  max_replays integer     NOT NULL,
  operator    text        NOT NULL,
  host        text        NOT NULL,
  started_at  timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  selected    bigint      NOT NULL DEFAULT 0,
  replayed    bigint      NOT NULL DEFAULT 0,
  parked      bigint      NOT NULL DEFAULT 0,
  skipped     bigint      NOT NULL DEFAULT 0,
  outcome     text        NOT NULL,
  detail      text
);

CREATE INDEX replay_audit_by_name ON ferry.replay_audit (name, started_at);
