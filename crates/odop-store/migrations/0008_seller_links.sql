-- The seller list's filters by kind, by product made and by platform onboarded on, and the
-- statistics' counts of a state's sellers. Reading each seller's record for them took a tenth
-- to a third of a second at 100,000 sellers, on every product page, onboarding list and
-- dashboard.
CREATE INDEX sellers_by_kind ON sellers (kind, name);
CREATE INDEX sellers_by_state ON sellers (state);

-- Who makes what, and who is onboarded where, as each seller's record says, by the seller's
-- rowid. The store writes them with the record, as it writes the search index.
CREATE TABLE seller_products (
    product TEXT NOT NULL,
    seller  INTEGER NOT NULL,
    PRIMARY KEY (product, seller)
) WITHOUT ROWID;
CREATE INDEX seller_products_by_seller ON seller_products (seller);

-- The seller's state rides along, so a state's counts by platform read this table alone.
CREATE TABLE seller_platforms (
    platform TEXT NOT NULL,
    seller   INTEGER NOT NULL,
    state    INTEGER NOT NULL,
    PRIMARY KEY (platform, seller)
) WITHOUT ROWID;
CREATE INDEX seller_platforms_by_seller ON seller_platforms (seller);

INSERT OR IGNORE INTO seller_products (product, seller)
    SELECT x.value, s.rowid FROM sellers s, json_each(s.body, '$.products') x;
INSERT OR IGNORE INTO seller_platforms (platform, seller, state)
    SELECT o.value ->> '$.platform', s.rowid, s.state
    FROM sellers s, json_each(s.body, '$.onboarding') o
    WHERE o.value ->> '$.status' = 'onboarded';
