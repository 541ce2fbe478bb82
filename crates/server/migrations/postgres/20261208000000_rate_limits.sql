-- Rate limits that the replicas share (crates/server/src/throttle.rs): one bucket per limit and
-- key, named by the SHA-256 of both (no phone number or address is kept in the clear).

CREATE TABLE rate_limits (
    bucket BYTEA PRIMARY KEY,
    -- ms since the Unix epoch: the bucket's theoretical arrival time.
    tat    BIGINT NOT NULL
);
CREATE INDEX rate_limits_by_tat ON rate_limits (tat);
