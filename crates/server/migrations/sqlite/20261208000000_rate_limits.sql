-- Rate limits that several servers share (crates/server/src/throttle.rs): one bucket per limit
-- and key, named by the SHA-256 of both (no phone number or address is kept in the clear). Only
-- replicas on PostgreSQL use it; one server on SQLite keeps its buckets in memory.

CREATE TABLE rate_limits (
    bucket BLOB PRIMARY KEY,
    -- ms since the Unix epoch: the bucket's theoretical arrival time.
    tat    INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX rate_limits_by_tat ON rate_limits (tat);
