-- The page's one read per request (src/store/request-read.ts READ_BATCH), as a function: PL/pgSQL
-- keeps the plan of its query for the life of the server connection, so every request is planned
-- once per connection without a named prepared statement, which a pooler in transaction mode
-- cannot carry. A change to READ_BATCH needs a new migration replacing this function
-- (test/store/request-read-function.test.ts compares them).
CREATE OR REPLACE FUNCTION omis_read_requests(text[], text[], int[], int[]) RETURNS SETOF json
LANGUAGE plpgsql STABLE AS $fn$
BEGIN
  RETURN QUERY
  SELECT json_build_array(
           a.user_id, a.login, a.password_hash, a.customer_id, a.root_id, a.licences,
           (SELECT CASE WHEN f.locked_until > now() THEN 'locked' WHEN f.failures > 0 THEN 'failing' END
              FROM login_failure f WHERE f.login_key = k.failure_key),
           r.record,
           (SELECT json_build_array(s.latency_ms, s.error_code, s.remaining IS NOT NULL)
              FROM sandbox_rule s
             WHERE s.account_id = a.user_id AND (s.remaining IS NULL OR s.remaining > 0) AND (s.until IS NULL OR s.until > now()))) AS read
    FROM unnest((SELECT $1::text[]), (SELECT $2::text[]), (SELECT $3::int[]), (SELECT $4::int[])) WITH ORDINALITY AS k (login_key, failure_key, launch_id, job_id, i)
    LEFT JOIN account a ON a.login_key = k.login_key
    LEFT JOIN LATERAL (
      SELECT json_build_array(json_build_array(l.launch_id, l.owner_id, o.customer_id, l.name, l.status, l.error_code, l.launch_count, l.expire_time),
               CASE WHEN k.job_id IS NULL
                    THEN (SELECT coalesce(json_agg(json_build_array(j.job_id, j.launch_id, j.job_type, j.status, j.error_code, j.cost, j.points_charged, j.paused_by_launch) ORDER BY j.job_id), '[]'::json)
                            FROM job j WHERE j.launch_id = l.launch_id AND j.deleted_at IS NULL)
                    ELSE (SELECT json_build_array(json_build_array(j.job_id, j.launch_id, j.job_type, j.status, j.error_code, j.cost, j.points_charged, j.paused_by_launch)) FROM job j WHERE j.job_id = k.job_id AND j.deleted_at IS NULL)
               END) AS record
        FROM launch l
     JOIN account o ON o.user_id = l.owner_id
     JOIN account_closure c ON c.ancestor_id = a.user_id AND c.descendant_id = l.owner_id AND l.deleted_at IS NULL
       WHERE l.launch_id = coalesce(k.launch_id, (SELECT j.launch_id FROM job j WHERE j.job_id = k.job_id AND j.deleted_at IS NULL))
    ) r ON k.launch_id IS NOT NULL OR k.job_id IS NOT NULL
   ORDER BY k.i;
END
$fn$;
