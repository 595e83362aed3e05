-- bench/gen_facts.sql — a synthetic population of work units for benchmarks.
-- psql variables: workers (count), units (per worker), seed (0..1).
-- Four weeks of work from 2026-10-05; each worker takes tasks of 3-30
-- minutes, some in parallel, inserted in random heap order, as a collector
-- merging many sources would leave them.
SELECT setseed(:seed);

INSERT INTO dw.vendor (name, country) VALUES ('Bench Vendor', 'US');
INSERT INTO dw.source (name, platform, vendor_id, default_country)
SELECT 'bench', 'file', vendor_id, 'US' FROM dw.vendor WHERE name = 'Bench Vendor';

INSERT INTO dw.worker (worker_key, platform, country)
SELECT encode(sha256(convert_to('bench:' || g, 'UTF8')), 'hex'), 'file',
       (ARRAY['US','GB','DE','IN','PH','KE','BR'])[1 + g % 7]
FROM generate_series(1, :workers) g;

INSERT INTO dw.work_unit (source_id, external_id, task_external_id, worker_key,
                          status, status_raw, accepted_at, submitted_at,
                          decided_at, paid_at, reward_micros, currency)
SELECT s.source_id, 'u' || w || '-' || i, 't' || (i % 50), k.key,
       st, st,
       a, a + dur, a + dur + interval '2 days', a + dur + interval '3 days',
       (50000 + (random() * 3000000)::bigint), 'USD'
FROM dw.source s,
     generate_series(1, :workers) w
     CROSS JOIN LATERAL (SELECT encode(sha256(convert_to('bench:' || w, 'UTF8')), 'hex') AS key) k
     CROSS JOIN LATERAL generate_series(1, :units) i
     CROSS JOIN LATERAL (SELECT
        timestamptz '2026-10-05 00:00:00+00'
          + (i::float8 / :units) * interval '28 days'
          + random() * interval '20 minutes' AS a,
        interval '3 minutes' + random() * interval '27 minutes' AS dur,
        CASE WHEN random() < 0.9 THEN 'approved'
             WHEN random() < 0.5 THEN 'rejected' ELSE 'returned' END AS st) r
WHERE s.name = 'bench'
ORDER BY random();

ANALYZE dw.work_unit;
