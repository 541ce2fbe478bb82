-- Members sign in, their devices show member codes, the till verifies them and confirms purchases,
-- and her history stays with the brand as far as she agrees.

-- 11 digits; NULL once her account is erased. The seeded demo members get theirs from the seed.
ALTER TABLE members ADD COLUMN phone TEXT;
CREATE UNIQUE INDEX members_by_phone ON members (phone);
-- She agreed to follow-up from the brand (off until she turns it on).
ALTER TABLE members ADD COLUMN follow_up INTEGER NOT NULL DEFAULT 0;
-- Her bag's key: 32 random bytes, made at her first sign-in. Devices' own bag keys lead to it
-- through `bag_aliases`.
ALTER TABLE members ADD COLUMN bag BLOB;
-- ms since the Unix epoch; her personal data is gone, her purchases stay anonymous.
ALTER TABLE members ADD COLUMN erased_at INTEGER;

-- A super-app host's user, vouched for by a host token.
CREATE TABLE host_users (
    host      TEXT NOT NULL,
    host_user TEXT NOT NULL,
    member_id TEXT NOT NULL REFERENCES members (id),
    PRIMARY KEY (host, host_user)
) WITHOUT ROWID;

-- One live sign-in code per number: the SHA-256 of number and code, never the code.
CREATE TABLE sign_in_codes (
    phone      TEXT PRIMARY KEY,
    code_hash  BLOB NOT NULL,
    expires_at INTEGER NOT NULL,
    -- Wrong codes tried against it; at the limit it is gone.
    attempts   INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

-- Signed-in devices: the SHA-256 of the session cookie's value.
CREATE TABLE sessions (
    token_hash BLOB PRIMARY KEY,
    member_id  TEXT NOT NULL REFERENCES members (id),
    -- The device's own bag key, led to her bag while signed in (undone at sign-out).
    alias      BLOB,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX sessions_by_member ON sessions (member_id);

-- A device's bag key that opens a member's bag instead of its own.
CREATE TABLE bag_aliases (
    alias BLOB PRIMARY KEY,
    bag   BLOB NOT NULL
) WITHOUT ROWID;

-- Devices that may show her member code.
CREATE TABLE member_devices (
    -- 8 digits, in every code the device shows.
    number        INTEGER PRIMARY KEY,
    member_id     TEXT NOT NULL REFERENCES members (id),
    secret        BLOB NOT NULL CHECK (length(secret) = 20),
    paused        INTEGER NOT NULL DEFAULT 0,
    registered_at INTEGER NOT NULL
);
CREATE INDEX member_devices_by_member ON member_devices (member_id);

-- Codes the till took: one per device and TOTP step, so a code is used once.
CREATE TABLE verifications (
    id         TEXT PRIMARY KEY,
    member_id  TEXT NOT NULL REFERENCES members (id),
    store_id   TEXT NOT NULL REFERENCES stores (id),
    device     INTEGER NOT NULL,
    step       INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    UNIQUE (device, step)
);

-- Purchases at the till; `member_id` is NULL once her account is erased.
CREATE TABLE purchases (
    id             INTEGER PRIMARY KEY,
    number         TEXT NOT NULL UNIQUE,
    verification   TEXT NOT NULL UNIQUE REFERENCES verifications (id),
    member_id      TEXT REFERENCES members (id),
    store_id       TEXT NOT NULL REFERENCES stores (id),
    -- The contract's till lines (JSON).
    lines          TEXT NOT NULL,
    list_total_fen INTEGER NOT NULL,
    total_fen      INTEGER NOT NULL,
    coupon         TEXT,
    points_added   INTEGER NOT NULL,
    points_after   INTEGER NOT NULL,
    created_at     INTEGER NOT NULL
);
CREATE INDEX purchases_by_member ON purchases (member_id);

CREATE TABLE points_history (
    id        INTEGER PRIMARY KEY,
    member_id TEXT NOT NULL REFERENCES members (id),
    change    INTEGER NOT NULL,
    reason    TEXT NOT NULL,
    at        INTEGER NOT NULL
);
CREATE INDEX points_history_by_member ON points_history (member_id);

-- ms since the Unix epoch, and the purchase that used it.
ALTER TABLE coupons ADD COLUMN redeemed_at INTEGER;
ALTER TABLE coupons ADD COLUMN redeemed_by TEXT;

-- The demo members of a store group seeded before: each signs in with her masked number's
-- hidden digits as 0000 (the seed does the same for a new database).
UPDATE members SET phone = replace(phone_masked, '****', '0000') WHERE phone IS NULL;
