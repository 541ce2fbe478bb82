-- A kiosk's bag offered to a phone under a claim code (crates/server/src/handoff.rs). Only the
-- code's SHA-256 is kept; the lines go once claimed, and the row a day after it ended.

CREATE TABLE handoffs (
    code_hash  BLOB PRIMARY KEY,
    -- The kiosk's bag key: its status, and what a claim empties.
    bag        BLOB NOT NULL,
    lines      TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    claimed_at INTEGER
);
CREATE INDEX handoffs_by_bag ON handoffs (bag, created_at);
