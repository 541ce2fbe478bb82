-- Photos of products that staff enrolled for visual search, each with its embedding (1280
-- little-endian f32, unit length) made when it was uploaded.
CREATE TABLE product_photos (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    product_id TEXT NOT NULL REFERENCES products(id),
    content_type TEXT NOT NULL,
    photo BLOB NOT NULL,
    embedding BLOB NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX product_photos_by_product ON product_photos (product_id);
