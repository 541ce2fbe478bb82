-- The shopper's side: bags (as operation logs) and the orders placed from them (see
-- migrations/sqlite/).

-- A bag is named by the SHA-256 of its token, never the token itself.
CREATE TABLE bag_ops (
    bag BYTEA NOT NULL CHECK (length(bag) = 32),
    -- The operation id (32 hex digits), which is also its idempotency key.
    id  TEXT NOT NULL CHECK (length(id) = 32),
    -- The operation as the contract serialises it: the server folds the log, it never edits it.
    op  TEXT NOT NULL,
    PRIMARY KEY (bag, id)
);

CREATE TABLE orders (
    -- The sequence behind the order number.
    id              BIGINT PRIMARY KEY,
    -- SB<yyyymmdd, Shanghai>-<id, six digits or more>.
    number          TEXT NOT NULL UNIQUE,
    bag             BYTEA NOT NULL CHECK (length(bag) = 32),
    idempotency_key TEXT NOT NULL CHECK (length(idempotency_key) = 32),
    -- The request as first received (JSON): a retry with the key must ask for the same order.
    request         TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('awaiting_payment')),
    -- The contract's `Fulfilment` (JSON).
    fulfilment      TEXT NOT NULL,
    -- Fen.
    total           BIGINT NOT NULL CHECK (total >= 0),
    -- Milliseconds since the Unix epoch.
    created_at      BIGINT NOT NULL,
    UNIQUE (bag, idempotency_key)
);

-- What was ordered, copied from the catalogue at the time.
CREATE TABLE order_lines (
    order_id   BIGINT NOT NULL REFERENCES orders (id),
    position   BIGINT NOT NULL,
    sku        TEXT NOT NULL REFERENCES variants (sku),
    product_id TEXT NOT NULL,
    name_zh    TEXT NOT NULL,
    name_en    TEXT NOT NULL,
    colour_zh  TEXT NOT NULL,
    colour_en  TEXT NOT NULL,
    size       TEXT NOT NULL,
    quantity   BIGINT NOT NULL CHECK (quantity BETWEEN 1 AND 99),
    -- Fen.
    unit_price BIGINT NOT NULL CHECK (unit_price >= 0),
    PRIMARY KEY (order_id, position)
);
