-- A state's districts side by side count each district's sellers. With the district beside
-- the state in one index, that count reads the index alone rather than every seller's
-- record of the state. The new index serves every lookup the index on the state alone did.
CREATE INDEX sellers_by_state_district ON sellers (state, district);
DROP INDEX sellers_by_state;
