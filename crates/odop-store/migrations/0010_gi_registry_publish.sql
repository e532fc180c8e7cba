-- A registry loaded before the server kept one has not been sent: a central desk sends it at
-- its next sync, and a state desk gives it up for DPIIT's when the server holds one.
INSERT INTO meta (key, value)
SELECT 'gi_registry_publish', 'pending' WHERE EXISTS (SELECT 1 FROM gi_registry);
