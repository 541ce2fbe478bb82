-- A kiosk's bag offered to a phone under a claim code (crates/server/src/handoff.rs).

CREATE TABLE handoffs (
    code_hash  BYTEA PRIMARY KEY,
    -- The kiosk's bag key: its status, and what a claim empties.
    bag        BYTEA NOT NULL,
    lines      TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    claimed_at BIGINT
);
CREATE INDEX handoffs_by_bag ON handoffs (bag, created_at);
