-- An order's life: awaiting payment until `pay_by`, then confirmed (paid) or expired (its stock
-- released). PostgreSQL widens the CHECK in place; orders placed before get half an hour.

ALTER TABLE orders DROP CONSTRAINT orders_status_check;
ALTER TABLE orders ADD CONSTRAINT orders_status_check
    CHECK (status IN ('awaiting_payment', 'confirmed', 'expired'));
-- Milliseconds since the Unix epoch: unpaid at this time, the order expires.
ALTER TABLE orders ADD COLUMN pay_by BIGINT;
UPDATE orders SET pay_by = created_at + 1800000;
ALTER TABLE orders ALTER COLUMN pay_by SET NOT NULL;

-- The sweep finds due orders, and a bag's open orders are counted, without a scan.
CREATE INDEX orders_open ON orders (status, pay_by);
CREATE INDEX orders_of_bag ON orders (bag, status);
