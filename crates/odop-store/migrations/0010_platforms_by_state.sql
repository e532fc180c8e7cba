-- The dashboard's states side by side counts each state's onboarded sellers, and a state's
-- dashboard its sellers per platform: both read this table by state. Without an index on it,
-- each sorted the whole table (15 ms at 100,000 sellers, on every dashboard).
CREATE INDEX seller_platforms_by_state ON seller_platforms (state, seller);
