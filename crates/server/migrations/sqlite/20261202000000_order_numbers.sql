-- Order numbers come from their own sequence: AUTOINCREMENT never hands out a number again, even
-- when the order that had it is gone (`MAX(id) + 1` would). Numbers already given continue.

CREATE TABLE order_numbers (
    id INTEGER PRIMARY KEY AUTOINCREMENT
);

INSERT INTO sqlite_sequence (name, seq) SELECT 'order_numbers', COALESCE(MAX(id), 0) FROM orders;
