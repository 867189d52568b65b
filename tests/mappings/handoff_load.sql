-- tst_handoff's own load beside the seed's login/logout: counters (an update
-- applied twice or lost shows in their sums), deletes with the key inserted
-- again, and now and then a key change. Run with -D rows=N.
\set id random(1, :rows)
\set other random(1, :rows)
\set s random(1, 1000)
BEGIN;
UPDATE handoff.big SET n = n + 1 WHERE id = :id;
UPDATE handoff.small SET n = n + 1 WHERE id = :s;
END;
DELETE FROM handoff.big WHERE id = :other;
INSERT INTO handoff.big (id, n, pad) VALUES (:other, 1, 'again') ON CONFLICT (id) DO UPDATE SET n = handoff.big.n + 1;
UPDATE handoff.big SET id = nextval('handoff.moved') WHERE id = :id AND :s <= 20;
