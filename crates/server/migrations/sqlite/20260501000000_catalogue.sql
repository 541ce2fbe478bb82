-- The store group's catalogue: stores, products, variants, stock and the codes on their tags.

CREATE TABLE stores (
    id            TEXT PRIMARY KEY,
    name_zh       TEXT NOT NULL,
    name_en       TEXT NOT NULL,
    address_zh    TEXT NOT NULL,
    address_en    TEXT NOT NULL,
    opening_hours TEXT NOT NULL,
    lat           REAL NOT NULL,
    lng           REAL NOT NULL,
    -- Display order (flagship first).
    position      INTEGER NOT NULL
);

CREATE TABLE products (
    id             TEXT PRIMARY KEY,
    name_zh        TEXT NOT NULL,
    name_en        TEXT NOT NULL,
    brand          TEXT NOT NULL,
    category       TEXT NOT NULL CHECK (category IN (
        'tops', 'knitwear', 'outerwear', 'trousers', 'skirts',
        'dresses', 'shoes', 'bags', 'accessories')),
    description_zh TEXT NOT NULL,
    description_en TEXT NOT NULL
);
CREATE INDEX products_by_category ON products (category, id);

CREATE TABLE product_colours (
    product_id TEXT NOT NULL REFERENCES products (id),
    code       TEXT NOT NULL,
    name_zh    TEXT NOT NULL,
    name_en    TEXT NOT NULL,
    hex        TEXT NOT NULL,
    position   INTEGER NOT NULL,
    PRIMARY KEY (product_id, code)
);

CREATE TABLE product_sizes (
    product_id TEXT NOT NULL REFERENCES products (id),
    size       TEXT NOT NULL,
    -- Size-chart order: XS before S, 35 before 36.
    position   INTEGER NOT NULL,
    PRIMARY KEY (product_id, size)
);

CREATE TABLE variants (
    sku           TEXT PRIMARY KEY,
    product_id    TEXT NOT NULL REFERENCES products (id),
    colour        TEXT NOT NULL,
    size          TEXT NOT NULL,
    ean13         TEXT NOT NULL UNIQUE,
    in_store_code TEXT NOT NULL UNIQUE,
    -- Fen.
    price         INTEGER NOT NULL CHECK (price > 0),
    online_stock  INTEGER NOT NULL CHECK (online_stock >= 0),
    position      INTEGER NOT NULL,
    FOREIGN KEY (product_id, colour) REFERENCES product_colours (product_id, code),
    FOREIGN KEY (product_id, size) REFERENCES product_sizes (product_id, size)
);
CREATE INDEX variants_by_product ON variants (product_id, position);

CREATE TABLE stock (
    sku      TEXT NOT NULL REFERENCES variants (sku),
    store_id TEXT NOT NULL REFERENCES stores (id),
    quantity INTEGER NOT NULL CHECK (quantity >= 0),
    PRIMARY KEY (sku, store_id)
);

-- Every code a tag or shelf label can carry, keyed by its 14-digit GTIN.
CREATE TABLE codes (
    gtin TEXT PRIMARY KEY CHECK (length(gtin) = 14),
    sku  TEXT NOT NULL REFERENCES variants (sku),
    kind TEXT NOT NULL CHECK (kind IN ('ean13', 'upc_a', 'ean8', 'in_store'))
);
CREATE INDEX codes_by_sku ON codes (sku);
