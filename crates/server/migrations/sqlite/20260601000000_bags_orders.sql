-- The shopper's side: bags (as operation logs) and the orders placed from them.

-- Every operation a bag has received. A bag is named by the SHA-256 of its token, never the token
-- itself: a leaked database must not open anyone's bag. A bag without operations is empty, so
-- there is no table of bags.
CREATE TABLE bag_ops (
    bag BLOB NOT NULL CHECK (length(bag) = 32),
    -- The operation id (32 hex digits), which is also its idempotency key.
    id  TEXT NOT NULL CHECK (length(id) = 32),
    -- The operation as the contract serialises it: the server folds the log, it never edits it.
    op  TEXT NOT NULL,
    PRIMARY KEY (bag, id)
) WITHOUT ROWID;

CREATE TABLE orders (
    -- The sequence behind the order number.
    id              INTEGER PRIMARY KEY,
    -- SB<yyyymmdd, Shanghai>-<id, six digits or more>.
    number          TEXT NOT NULL UNIQUE,
    bag             BLOB NOT NULL CHECK (length(bag) = 32),
    idempotency_key TEXT NOT NULL CHECK (length(idempotency_key) = 32),
    -- The request as first received (JSON): a retry with the key must ask for the same order.
    request         TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('awaiting_payment')),
    -- The contract's `Fulfilment` (JSON).
    fulfilment      TEXT NOT NULL,
    -- Fen.
    total           INTEGER NOT NULL CHECK (total >= 0),
    -- Milliseconds since the Unix epoch.
    created_at      INTEGER NOT NULL,
    UNIQUE (bag, idempotency_key)
);

-- What was ordered, copied from the catalogue at the time: later price or name changes do not
-- rewrite an order.
CREATE TABLE order_lines (
    order_id   INTEGER NOT NULL REFERENCES orders (id),
    position   INTEGER NOT NULL,
    sku        TEXT NOT NULL REFERENCES variants (sku),
    product_id TEXT NOT NULL,
    name_zh    TEXT NOT NULL,
    name_en    TEXT NOT NULL,
    colour_zh  TEXT NOT NULL,
    colour_en  TEXT NOT NULL,
    size       TEXT NOT NULL,
    quantity   INTEGER NOT NULL CHECK (quantity BETWEEN 1 AND 99),
    -- Fen.
    unit_price INTEGER NOT NULL CHECK (unit_price >= 0),
    PRIMARY KEY (order_id, position)
) WITHOUT ROWID;
