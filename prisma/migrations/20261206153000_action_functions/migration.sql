-- An action's statements (src/store/launches.ts, audit.ts, accounts.ts: the `functionStatement`s), as
-- functions for the reason the read is one: PL/pgSQL keeps the plan of its query for the life of the
-- server connection, so behind a pooler in transaction mode, which cannot carry named prepared
-- statements, an action is not parsed and planned statement by statement on every execution.
-- Straight to PostgreSQL the queries themselves are prepared instead. A change to one of them needs
-- a new migration replacing its function (test/store/action-functions.test.ts compares them).
CREATE OR REPLACE FUNCTION omis_lock_launch(integer) RETURNS TABLE (launch_id integer, owner_id integer, customer_id text, name text, status integer, error_code integer, launch_count integer, expire_time timestamp with time zone)
LANGUAGE plpgsql AS $fn$
#variable_conflict use_column
BEGIN
  RETURN QUERY SELECT l.launch_id, l.owner_id, o.customer_id, l.name, l.status, l.error_code, l.launch_count, l.expire_time FROM launch l JOIN account o ON o.user_id = l.owner_id
    WHERE l.launch_id = $1::int AND l.deleted_at IS NULL FOR UPDATE OF l;
END
$fn$;

CREATE OR REPLACE FUNCTION omis_lock_launch_jobs(integer) RETURNS TABLE (job_id integer, launch_id integer, job_type text, status integer, error_code integer, cost integer, points_charged integer, paused_by_launch boolean)
LANGUAGE plpgsql AS $fn$
#variable_conflict use_column
BEGIN
  RETURN QUERY SELECT j.job_id, j.launch_id, j.job_type, j.status, j.error_code, j.cost, j.points_charged, j.paused_by_launch FROM job j WHERE j.launch_id = $1::int AND j.deleted_at IS NULL ORDER BY j.job_id FOR UPDATE OF j;
END
$fn$;

CREATE OR REPLACE FUNCTION omis_lock_job(integer) RETURNS TABLE (launch_id integer, owner_id integer, customer_id text, name text, status integer, error_code integer, launch_count integer, expire_time timestamp with time zone, job json)
LANGUAGE plpgsql AS $fn$
#variable_conflict use_column
BEGIN
  RETURN QUERY SELECT l.launch_id, l.owner_id, o.customer_id, l.name, l.status, l.error_code, l.launch_count, l.expire_time, json_build_array(j.job_id, j.launch_id, j.job_type, j.status, j.error_code, j.cost, j.points_charged, j.paused_by_launch) AS job
    FROM job j
    JOIN launch l ON l.launch_id = j.launch_id AND l.deleted_at IS NULL
    JOIN account o ON o.user_id = l.owner_id
   WHERE j.job_id = $1::int AND j.deleted_at IS NULL FOR UPDATE OF l, j;
END
$fn$;

CREATE OR REPLACE FUNCTION omis_write_launch(integer, integer, timestamp with time zone, boolean, integer, text, text, text, text, text, integer, integer, jsonb, jsonb) RETURNS void
LANGUAGE plpgsql AS $fn$
BEGIN
  WITH audit AS (INSERT INTO audit_log (account_id, login, client_ip, origin, action, target_type, target_id, error_code, before, after)
     VALUES ($5::int, $6, $7, $8, $9, $10, $11::int, $12::int, $13::jsonb, $14::jsonb))
   UPDATE launch SET error_code = $2::int, expire_time = $3::timestamptz,
          deleted_at = CASE WHEN $4::boolean THEN now() ELSE NULL END, updated_at = now()
    WHERE launch_id = $1::int;
END
$fn$;

CREATE OR REPLACE FUNCTION omis_write_job(integer, integer, boolean, integer, boolean, integer, text, text, text, text, text, integer, integer, jsonb, jsonb) RETURNS void
LANGUAGE plpgsql AS $fn$
BEGIN
  WITH audit AS (INSERT INTO audit_log (account_id, login, client_ip, origin, action, target_type, target_id, error_code, before, after)
     VALUES ($6::int, $7, $8, $9, $10, $11, $12::int, $13::int, $14::jsonb, $15::jsonb))
   UPDATE job SET error_code = $2::int, paused_by_launch = $3::boolean, points_charged = $4::int,
          deleted_at = CASE WHEN $5::boolean THEN now() ELSE NULL END, updated_at = now()
    WHERE job_id = $1::int;
END
$fn$;

CREATE OR REPLACE FUNCTION omis_write_cascade(integer, boolean, boolean, integer[]) RETURNS void
LANGUAGE plpgsql AS $fn$
BEGIN
  UPDATE job SET error_code = $1::int, paused_by_launch = $2::boolean,
          deleted_at = CASE WHEN $3::boolean THEN now() ELSE deleted_at END, updated_at = now()
    WHERE job_id = ANY($4::int[]);
END
$fn$;

CREATE OR REPLACE FUNCTION omis_write_audit(integer, text, text, text, text, text, integer, integer, jsonb, jsonb) RETURNS void
LANGUAGE plpgsql AS $fn$
BEGIN
  INSERT INTO audit_log (account_id, login, client_ip, origin, action, target_type, target_id, error_code, before, after)
     VALUES ($1::int, $2, $3, $4, $5, $6, $7::int, $8::int, $9::jsonb, $10::jsonb);
END
$fn$;

CREATE OR REPLACE FUNCTION omis_take_root_points(integer, integer) RETURNS TABLE (points integer)
LANGUAGE plpgsql AS $fn$
#variable_conflict use_column
BEGIN
  RETURN QUERY UPDATE account SET points = points - $2::int
    WHERE user_id = (SELECT root_id FROM account WHERE user_id = $1::int) AND points >= $2::int
    RETURNING points;
END
$fn$;

CREATE OR REPLACE FUNCTION omis_lock_root_account(integer) RETURNS TABLE (user_id integer, points integer)
LANGUAGE plpgsql AS $fn$
#variable_conflict use_column
BEGIN
  RETURN QUERY SELECT r.user_id, r.points FROM account r
    WHERE r.user_id = (SELECT o.root_id FROM account o WHERE o.user_id = $1::int)
      FOR UPDATE OF r;
END
$fn$;

