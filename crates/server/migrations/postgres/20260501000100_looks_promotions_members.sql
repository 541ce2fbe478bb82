-- Data for the looks, 11.11 calendar and member features (see migrations/sqlite/).

CREATE TABLE looks (
    id       TEXT COLLATE "C" PRIMARY KEY,
    name_zh  TEXT NOT NULL,
    name_en  TEXT NOT NULL,
    occasion TEXT NOT NULL
);

-- A look holds at most one product per category, so it never offers the same coat twice.
CREATE TABLE look_items (
    look_id    TEXT NOT NULL REFERENCES looks (id),
    product_id TEXT NOT NULL REFERENCES products (id),
    category   TEXT NOT NULL,
    position   BIGINT NOT NULL,
    PRIMARY KEY (look_id, product_id),
    UNIQUE (look_id, category)
);

CREATE TABLE promotions (
    id      TEXT COLLATE "C" PRIMARY KEY,
    name_zh TEXT NOT NULL,
    name_en TEXT NOT NULL,
    -- IANA zone the calendar is defined in; instants below carry their offset too.
    time_zone TEXT NOT NULL
);

CREATE TABLE promotion_phases (
    promotion_id TEXT COLLATE "C" NOT NULL REFERENCES promotions (id),
    phase        TEXT COLLATE "C" NOT NULL CHECK (phase IN (
        'warm_up', 'presale', 'deposit', 'final_payment', 'main_day')),
    title_zh     TEXT NOT NULL,
    title_en     TEXT NOT NULL,
    -- RFC 3339 with +08:00; ends are inclusive to the second.
    starts_at    TEXT NOT NULL,
    ends_at      TEXT NOT NULL,
    PRIMARY KEY (promotion_id, phase)
);

CREATE TABLE price_rules (
    id            TEXT COLLATE "C" PRIMARY KEY,
    promotion_id  TEXT COLLATE "C" NOT NULL REFERENCES promotions (id),
    -- The phase during which the rule applies.
    phase         TEXT COLLATE "C" NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('percent_off', 'threshold', 'deposit')),
    title_zh      TEXT NOT NULL,
    title_en      TEXT NOT NULL,
    -- NULL: every category.
    category      TEXT,
    percent_off   BIGINT,
    -- Fen. Threshold rules: spend threshold_fen, save discount_fen (every threshold if repeats).
    -- Deposit rules: pay deposit_fen now, it counts as discount_fen at final payment.
    threshold_fen BIGINT,
    discount_fen  BIGINT,
    deposit_fen   BIGINT,
    repeats       BIGINT NOT NULL DEFAULT 0,
    FOREIGN KEY (promotion_id, phase) REFERENCES promotion_phases (promotion_id, phase)
);

CREATE TABLE members (
    id           TEXT PRIMARY KEY,
    -- Only ever stored masked: the demo holds no real phone numbers.
    phone_masked TEXT NOT NULL,
    display_name TEXT NOT NULL,
    tier         TEXT NOT NULL CHECK (tier IN ('silver', 'gold', 'platinum')),
    points       BIGINT NOT NULL CHECK (points >= 0),
    joined_on    TEXT NOT NULL
);

CREATE TABLE coupons (
    code          TEXT PRIMARY KEY,
    member_id     TEXT NOT NULL REFERENCES members (id),
    title_zh      TEXT NOT NULL,
    title_en      TEXT NOT NULL,
    discount_fen  BIGINT NOT NULL CHECK (discount_fen > 0),
    min_spend_fen BIGINT NOT NULL CHECK (min_spend_fen >= 0),
    valid_from    TEXT NOT NULL,
    valid_until   TEXT NOT NULL
);
CREATE INDEX coupons_by_member ON coupons (member_id);
