-- Destination URLs were not checked before this migration, so a row may hold `user:password@` in its endpoint
-- (s3) or container URL (azure), in clear. Delivery now refuses such a URL (src/core/delivery/destination-endpoint.ts);
-- this drops the userinfo from the stored URL, so it is neither kept nor listed. A URL parser ends the userinfo
-- at the last "@" before the first "/", "?", "#" or "\" after "://"; rtrim(a, replace(a, '@', '')) is `a` up to
-- and including its last "@".
WITH urls AS (
  SELECT id, CASE kind WHEN 's3' THEN '$.endpoint' ELSE '$.containerUrl' END AS field,
         CASE kind WHEN 's3' THEN settings ->> '$.endpoint' ELSE settings ->> '$.containerUrl' END AS url
  FROM destinations
),
split AS (
  SELECT id, field, url, instr(url, '://') AS scheme_end, substr(url, instr(url, '://') + 3) AS after_scheme
  FROM urls WHERE url LIKE '%://%@%'
),
authority AS (
  SELECT id, field, url, scheme_end, after_scheme,
         substr(after_scheme, 1, min(
           coalesce(nullif(instr(after_scheme, '/'), 0), length(after_scheme) + 1),
           coalesce(nullif(instr(after_scheme, '?'), 0), length(after_scheme) + 1),
           coalesce(nullif(instr(after_scheme, '#'), 0), length(after_scheme) + 1),
           coalesce(nullif(instr(after_scheme, '\'), 0), length(after_scheme) + 1)
         ) - 1) AS authority
  FROM split
),
cleaned AS (
  SELECT id, field,
         substr(url, 1, scheme_end + 2)
           || substr(after_scheme, length(rtrim(authority, replace(authority, '@', ''))) + 1) AS url
  FROM authority WHERE instr(authority, '@') > 0
)
UPDATE destinations
SET settings = json_set(settings, (SELECT field FROM cleaned WHERE cleaned.id = destinations.id),
                        (SELECT url FROM cleaned WHERE cleaned.id = destinations.id))
WHERE id IN (SELECT id FROM cleaned);
