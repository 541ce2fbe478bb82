-- An order's life: awaiting payment until `pay_by`, then confirmed (paid) or expired (its stock
-- released). SQLite cannot widen a CHECK in place, so both order tables are rebuilt: new tables,
-- rows copied, old ones dropped (the lines first, so no reference is ever left dangling), renamed
-- (which points order_lines at the new orders). Orders placed before this awaited payment with
-- no deadline: they get the default half hour from when they were placed, so the server's next
-- sweep gives their stock back.

CREATE TABLE orders_next (
    id              INTEGER PRIMARY KEY,
    number          TEXT NOT NULL UNIQUE,
    bag             BLOB NOT NULL CHECK (length(bag) = 32),
    idempotency_key TEXT NOT NULL CHECK (length(idempotency_key) = 32),
    request         TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('awaiting_payment', 'confirmed', 'expired')),
    fulfilment      TEXT NOT NULL,
    total           INTEGER NOT NULL CHECK (total >= 0),
    created_at      INTEGER NOT NULL,
    -- Milliseconds since the Unix epoch: unpaid at this time, the order expires.
    pay_by          INTEGER NOT NULL,
    UNIQUE (bag, idempotency_key)
);

INSERT INTO orders_next
SELECT id, number, bag, idempotency_key, request, status, fulfilment, total, created_at,
       created_at + 1800000
FROM orders;

CREATE TABLE order_lines_next (
    order_id   INTEGER NOT NULL REFERENCES orders_next (id),
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

INSERT INTO order_lines_next SELECT * FROM order_lines;

DROP TABLE order_lines;
DROP TABLE orders;
ALTER TABLE orders_next RENAME TO orders;
ALTER TABLE order_lines_next RENAME TO order_lines;

-- The sweep finds due orders, and a bag's open orders are counted, without a scan.
CREATE INDEX orders_open ON orders (status, pay_by);
CREATE INDEX orders_of_bag ON orders (bag, status);
