-- "Remind me" on bag lines, kept per bag; the server sets due_* when what she asked for happened.

CREATE TABLE reminders (
    id           INTEGER PRIMARY KEY,
    bag          BLOB NOT NULL,
    sku          TEXT NOT NULL REFERENCES variants (sku),
    kind         TEXT NOT NULL CHECK (kind IN ('promotion_start', 'restock', 'price_drop')),
    store_id     TEXT REFERENCES stores (id),
    created_at   INTEGER NOT NULL,
    -- promotion_start: the festival whose prices she waits for.
    promotion_id TEXT REFERENCES promotions (id),
    -- price_drop: the price (fen) when she asked.
    baseline_fen INTEGER,
    -- ms since the Unix epoch; what was and is the price for a drop.
    due_at       INTEGER,
    due_was_fen  INTEGER,
    due_now_fen  INTEGER,
    seen_at      INTEGER,
    UNIQUE (bag, sku, kind)
);
CREATE INDEX reminders_by_bag ON reminders (bag);
