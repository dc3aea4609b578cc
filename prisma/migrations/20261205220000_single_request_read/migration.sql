-- The read of a request that arrives alone (src/store/request-read.ts READ_ONE): the same read as
-- omis_read_requests, for one key given as plain parameters, which PostgreSQL runs for a quarter less
-- than the batch form. A function for the same reason as the batch read: PL/pgSQL keeps its plan for
-- the life of the server connection, with no named statement for a pooler to lose. The generic plan
-- is forced so that no parameter value makes PostgreSQL plan it again. A change to READ_ONE needs a
-- new migration replacing this function (test/store/request-read-function.test.ts compares them).
CREATE OR REPLACE FUNCTION omis_read_request(text, text, int, int) RETURNS json
LANGUAGE plpgsql STABLE SET plan_cache_mode = force_generic_plan AS $fn$
BEGIN
  RETURN (
    SELECT json_build_array(
             a.user_id, a.login, a.password_hash, a.customer_id, a.root_id, a.licences,
             (SELECT CASE WHEN f.locked_until > now() THEN 'locked' WHEN f.failures > 0 THEN 'failing' END
                FROM login_failure f WHERE f.login_key = $2),
             r.record,
             (SELECT json_build_array(s.latency_ms, s.error_code, s.remaining IS NOT NULL)
                FROM sandbox_rule s
               WHERE s.account_id = a.user_id AND (s.remaining IS NULL OR s.remaining > 0) AND (s.until IS NULL OR s.until > now())))
      FROM (SELECT 1) k
      LEFT JOIN account a ON a.login_key = $1
      LEFT JOIN LATERAL (
        SELECT json_build_array(json_build_array(l.launch_id, l.owner_id, o.customer_id, l.name, l.status, l.error_code, l.launch_count, l.expire_time),
                 CASE WHEN $4 IS NULL
                      THEN (SELECT coalesce(json_agg(json_build_array(j.job_id, j.launch_id, j.job_type, j.status, j.error_code, j.cost, j.points_charged, j.paused_by_launch) ORDER BY j.job_id), '[]'::json)
                              FROM job j WHERE j.launch_id = l.launch_id AND j.deleted_at IS NULL)
                      ELSE (SELECT json_build_array(json_build_array(j.job_id, j.launch_id, j.job_type, j.status, j.error_code, j.cost, j.points_charged, j.paused_by_launch)) FROM job j WHERE j.job_id = $4 AND j.deleted_at IS NULL)
                 END) AS record
          FROM launch l
       JOIN account o ON o.user_id = l.owner_id
       JOIN account_closure c ON c.ancestor_id = a.user_id AND c.descendant_id = l.owner_id AND l.deleted_at IS NULL
         WHERE l.launch_id = coalesce($3, (SELECT j.launch_id FROM job j WHERE j.job_id = $4 AND j.deleted_at IS NULL))
      ) r ON $3 IS NOT NULL OR $4 IS NOT NULL
  );
END
$fn$;
