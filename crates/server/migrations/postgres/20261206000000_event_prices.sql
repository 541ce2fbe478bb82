-- Festival prices of single variants: a variant's price during one phase of one festival.

CREATE TABLE event_prices (
    promotion_id TEXT COLLATE "C" NOT NULL,
    phase        TEXT COLLATE "C" NOT NULL,
    sku          TEXT NOT NULL REFERENCES variants (sku),
    -- Fen.
    price        BIGINT NOT NULL CHECK (price > 0),
    PRIMARY KEY (sku, promotion_id, phase),
    FOREIGN KEY (promotion_id, phase) REFERENCES promotion_phases (promotion_id, phase)
);
