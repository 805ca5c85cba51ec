-- The peer of bench/match.sh: the top 10 vacancies for seeker :sid as of :today,
-- ranked by the formula of docs/matching.md in one SQL query over the lmis store.
-- Integer arithmetic as in match.c (SQLite's integer division truncates like C's).
WITH s AS (
  SELECT id, isced, CASE WHEN isced <= 1 THEN 1 WHEN isced <= 4 THEN 2 WHEN isced = 5 THEN 3 ELSE 4 END AS slev
  FROM seeker WHERE id = :sid
),
cand AS (                                   -- hard filters 1-3
  SELECT v.id, v.country, v.isco_code, v.esco_id, v.min_isced, v.regulated
  FROM vacancy v
  WHERE v.country IN (SELECT country FROM seeker_destination WHERE seeker_id = :sid)
    AND v.status = 'open' AND v.valid_until >= :today
    AND NOT (v.agency_licence IS NOT NULL AND coalesce(v.agency_licence_status, 'unknown') <> 'valid')
),
qcode AS (                                  -- recognition code per covering qualification
  SELECT c.id AS vid,
    CASE WHEN q.country = c.country THEN 5
         WHEN r.status IS NOT NULL THEN
           CASE r.status WHEN 'recognised' THEN 5 WHEN 'partial' THEN 3 WHEN 'pending' THEN 1 ELSE 0 END
         ELSE coalesce((SELECT max(CASE a.kind WHEN 'automatic' THEN 4 ELSE 2 END) FROM recognition_arrangement a
                        WHERE a.origin = q.country AND a.destination = c.country AND q.isced >= a.min_isced
                          AND (a.isco_code IS NULL OR substr(c.isco_code, 1, length(a.isco_code)) = a.isco_code)), 0)
    END AS code
  FROM cand c
  JOIN qualification q ON q.seeker_id = :sid
   AND (q.isco_code IS NULL OR substr(c.isco_code, 1, length(q.isco_code)) = q.isco_code)
  LEFT JOIN recognition r ON r.qualification_id = q.id AND r.country = c.country
),
rec AS (
  SELECT vid, coalesce(max(CASE WHEN code IN (5, 4, 2) THEN code END), max(code)) AS code FROM qcode GROUP BY vid
),
occ AS (
  SELECT c.id AS vid, max(
    (CASE WHEN o.esco_id = c.esco_id AND o.isco_code = c.isco_code THEN 1000
          WHEN o.isco_code = c.isco_code THEN 800
          WHEN substr(o.isco_code, 1, 3) = substr(c.isco_code, 1, 3) THEN 600
          WHEN substr(o.isco_code, 1, 2) = substr(c.isco_code, 1, 2) THEN 400
          WHEN substr(o.isco_code, 1, 1) = substr(c.isco_code, 1, 1) THEN 200 ELSE 0 END)
    * (500 + 50 * min(o.years, 10)) / 1000) AS occ
  FROM cand c JOIN seeker_occupation o ON o.seeker_id = :sid GROUP BY c.id
),
sk AS (
  SELECT c.id AS vid, sum(vs.essential) AS ne, sum(1 - vs.essential) AS no,
    sum(CASE WHEN ss.skill_id IS NOT NULL AND vs.essential = 1 THEN 1 ELSE 0 END) AS he,
    sum(CASE WHEN ss.skill_id IS NOT NULL AND vs.essential = 0 THEN 1 ELSE 0 END) AS ho
  FROM cand c JOIN vacancy_skill vs ON vs.vacancy_id = c.id
  LEFT JOIN seeker_skill ss ON ss.seeker_id = :sid AND ss.skill_id = vs.skill_id
  GROUP BY c.id
),
lg AS (
  SELECT c.id AS vid, count(*) AS n,
    sum(CASE WHEN sl.level IS NULL THEN 0 WHEN sl.level >= vl.level THEN 1000
             ELSE max(0, 1000 - 250 * (vl.level - sl.level)) END) AS total
  FROM cand c JOIN vacancy_language vl ON vl.vacancy_id = c.id
  LEFT JOIN seeker_language sl ON sl.seeker_id = :sid AND sl.lang = vl.lang
  GROUP BY c.id
),
scored AS (
  SELECT c.id,
    40 * coalesce(occ.occ, 0)
    + 25 * (CASE WHEN coalesce(sk.ne, 0) = 0 THEN 500 ELSE 1000 * sk.he / sk.ne END)
    + 10 * (CASE WHEN coalesce(sk.no, 0) = 0 THEN 500 ELSE 1000 * sk.ho / sk.no END)
    + 10 * (CASE WHEN lg.n IS NULL THEN 1000 ELSE lg.total / lg.n END)
    + 15 * (CASE WHEN c.regulated = 1
                 THEN ((CASE WHEN s.isced >= c.min_isced THEN 1000 ELSE max(0, 1000 - 250 * (c.min_isced - s.isced)) END)
                       + (CASE coalesce(rec.code, 0) WHEN 5 THEN 1000 WHEN 4 THEN 1000 WHEN 3 THEN 750 WHEN 2 THEN 500
                                                     WHEN 1 THEN 250 ELSE 0 END)) / 2
                 ELSE (CASE WHEN s.isced >= c.min_isced THEN 1000 ELSE max(0, 1000 - 250 * (c.min_isced - s.isced)) END)
            END)
    - 8000 * max(0, s.slev - (CASE WHEN instr(m.skill_levels, '4') THEN 4 WHEN instr(m.skill_levels, '3') THEN 3
                                   WHEN instr(m.skill_levels, '2') THEN 2 ELSE 1 END)) AS score
  FROM cand c CROSS JOIN s
  JOIN isco_group m ON m.code = substr(c.isco_code, 1, 1)
  LEFT JOIN occ ON occ.vid = c.id LEFT JOIN sk ON sk.vid = c.id LEFT JOIN lg ON lg.vid = c.id
  LEFT JOIN rec ON rec.vid = c.id
  WHERE c.regulated = 0 OR coalesce(rec.code, 0) IN (5, 4, 2)   -- hard filter 4
)
SELECT id, score FROM scored ORDER BY score DESC, id LIMIT 10;
