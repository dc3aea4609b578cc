#!/usr/bin/env bash
# The production recipe of docs/DEPLOYMENT.md, tested without a Docker engine. This script reads the
# Dockerfile and runs its own steps outside Docker, in a clean temporary directory: each stage is a
# directory standing for its WORKDIR /app, COPY copies from the build context (this checkout's files
# that git does not ignore) or from an earlier stage, RUN runs in the stage's directory. The last
# stage's directory is the runtime. Then it checks that runtime:
#   - it holds no build tools (Prisma CLI, TypeScript, test tools) and prints its size;
#   - `omis serve --demo` on the embedded database answers the Dockerfile's HEALTHCHECK command and
#     an authenticated page request, and stops cleanly on SIGTERM;
#   - `omis migrate`, `omis account add` (the first account, on the empty database) and `omis seed`
#     work on a throwaway PostgreSQL database;
#   - a plain `npm ci --omit=dev` (optional peers kept) installs and loads.
# It also checks that .dockerignore lets in exactly what the Dockerfile copies. It fails loudly and
# removes everything it made (temporary directory, server, database) however it ends.
# Usage: scripts/ci/production-recipe.sh   (PostgreSQL at 127.0.0.1:5432, user postgres, trust)
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
started=$(date +%s)
say() { echo "[production-recipe $(($(date +%s) - started))s] $*"; }
fail() {
  echo "production-recipe: FAILED: $*" >&2
  exit 1
}

PSQL=(psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p 5432 -U postgres)
work=$(mktemp -d "${TMPDIR:-/tmp}/omis-production-recipe.XXXXXX")
database="omis_recipe_$$_$(date +%s)"
database_created=false
server_pid=""

cleanup() {
  local status=$?
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  if $database_created; then
    "${PSQL[@]}" -d postgres -c "DROP DATABASE IF EXISTS \"$database\" WITH (FORCE)" || echo "production-recipe: could not drop database $database" >&2
    say "database dropped"
  fi
  rm -rf "$work"
  if [ "$status" -ne 0 ]; then echo "production-recipe: FAILED (exit $status)" >&2; else say "cleaned up"; fi
  exit "$status"
}
trap cleanup EXIT

# --- The build context: the files `docker build .` would see from a clean clone. ---------------------
context="$work/context"
mkdir -p "$context"
git ls-files -z --cached --others --exclude-standard |
  (while IFS= read -r -d '' file; do if [ -e "$file" ]; then printf '%s\0' "$file"; fi; done) |
  tar --null --files-from=- -cf - | tar -xf - -C "$context"

# --- The Dockerfile, one instruction a line (continuations joined, comments dropped). ---------------
mapfile -t instructions < <(awk '
  /^[[:space:]]*#/ { next }
  { line = $0
    if (sub(/\\[[:space:]]*$/, "", line)) { joined = joined line; next }
    line = joined line; joined = ""
    if (line !~ /^[[:space:]]*$/) print line }
' Dockerfile)

stage=""          # directory of the current stage
stage_name=""
stages=()         # "name=directory" of every stage so far
base_image=""
runtime_env=()    # the last stage's ENV, for starting the runtime
entrypoint=""     # JSON arrays of ENTRYPOINT and HEALTHCHECK CMD
healthcheck=""
context_sources=()

stage_dir() {
  local entry
  for entry in "${stages[@]}"; do
    if [ "${entry%%=*}" = "$1" ]; then
      echo "${entry#*=}"
      return
    fi
  done
  fail "COPY --from=$1: no such stage"
}

# Copies one COPY source into the stage the way Docker does: a directory's contents, a file as
# itself (into the destination directory when it ends with / or there are several sources).
copy_into() {
  local source=$1 destination=$2 into_directory=$3
  [ -e "$source" ] || fail "COPY source $source does not exist"
  if [ -d "$source" ]; then
    mkdir -p "$destination"
    cp -a "$source/." "$destination/"
  elif $into_directory; then
    mkdir -p "$destination"
    cp -a "$source" "$destination/"
  else
    mkdir -p "$(dirname "$destination")"
    cp -a "$source" "$destination"
  fi
}

last_from=0
for i in "${!instructions[@]}"; do
  [[ ${instructions[$i]} =~ ^[[:space:]]*[Ff][Rr][Oo][Mm][[:space:]] ]] && last_from=$i
done

for i in "${!instructions[@]}"; do
  line=${instructions[$i]}
  keyword=$(printf '%s' "${line%%[[:space:]]*}" | tr '[:lower:]' '[:upper:]')
  args=${line#*[[:space:]]}
  args=${args#"${args%%[![:space:]]*}"}
  final=false
  [ "$i" -ge "$last_from" ] && final=true
  case "$keyword" in
    FROM)
      read -r image as name extra <<<"$args"
      [ -z "${extra:-}" ] || fail "unsupported FROM: $args"
      if [ -n "$base_image" ] && [ "$image" != "$base_image" ]; then
        fail "every stage must use the same Node image ($base_image, not $image): the runtime runs what the build stages built"
      fi
      base_image=$image
      stage_name=${name:-runtime}
      [ -z "${as:-}" ] || [ "$(printf '%s' "$as" | tr '[:lower:]' '[:upper:]')" = AS ] || fail "unsupported FROM: $args"
      stage="$work/stage-$stage_name"
      mkdir -p "$stage"
      stages+=("$stage_name=$stage")
      say "stage $stage_name (FROM $image)"
      ;;
    WORKDIR)
      [ "$args" = /app ] || fail "WORKDIR must be /app (this script maps /app to each stage's directory): $args"
      ;;
    COPY)
      read -ra words <<<"$args"
      from=""
      while [[ ${words[0]} == --* ]]; do
        case "${words[0]}" in
          --from=*) from=${words[0]#--from=} ;;
          --chown=* | --chmod=*) ;; # ownership only matters inside the image
          *) fail "unsupported COPY flag ${words[0]}" ;;
        esac
        words=("${words[@]:1}")
      done
      [ "${#words[@]}" -ge 2 ] || fail "COPY needs a source and a destination: $args"
      destination=${words[-1]}
      sources=("${words[@]:0:${#words[@]}-1}")
      [[ $destination == /* ]] && destination=${destination#/app}
      into_directory=false
      { [[ $destination == */ ]] || [ "${#sources[@]}" -gt 1 ]; } && into_directory=true
      echo "  COPY ${from:+--from=$from }${sources[*]} $destination"
      for source in "${sources[@]}"; do
        if [ -n "$from" ]; then
          [[ $source == /app/* ]] || fail "COPY --from must copy from /app: $source"
          from_dir=$(stage_dir "$from")
          copy_into "$from_dir/${source#/app/}" "$stage/$destination" "$into_directory"
        else
          context_sources+=("${source%/}")
          copy_into "$context/$source" "$stage/$destination" "$into_directory"
        fi
      done
      ;;
    RUN)
      if $final; then
        # The last stage's RUN lines shape the container's own filesystem (/data and its owner).
        echo "  RUN $args   (container filesystem only: not run here)"
      else
        echo "  RUN $args"
        # npm may take packages from its cache without asking the registry whether its metadata is
        # current (CI has just filled the cache): the lockfile's versions and hashes decide what is
        # installed either way, and the install takes half the time.
        (cd "$stage" && npm_config_prefer_offline=true sh -ec "$args") || fail "RUN $args (stage $stage_name)"
      fi
      ;;
    ENV)
      $final || fail "ENV in a build stage is not supported by this script; it would change what RUN does"
      [[ $args != *[\"\']* ]] || fail "ENV with quotes is not supported by this script: $args"
      read -ra words <<<"$args"
      for word in "${words[@]}"; do
        [[ $word == *=* ]] || fail "ENV must be written KEY=VALUE: $args"
        runtime_env+=("$word")
      done
      ;;
    ENTRYPOINT) entrypoint=$args ;;
    HEALTHCHECK)
      [[ $args == *" CMD "* ]] || fail "HEALTHCHECK without CMD: $args"
      healthcheck=${args#* CMD }
      ;;
    USER | VOLUME | EXPOSE | STOPSIGNAL | CMD | LABEL) ;; # container settings: nothing to run here
    *) fail "this script does not know the Dockerfile instruction $keyword" ;;
  esac
done
runtime=$stage
[ "$stage_name" = runtime ] || fail "the last stage must be the unnamed runtime stage"
if [[ $entrypoint != \[* ]] || [[ $healthcheck != \[* ]]; then
  fail "the Dockerfile needs an ENTRYPOINT and a HEALTHCHECK CMD, both in exec (JSON) form"
fi

# --- .dockerignore lets in exactly what the Dockerfile copies from the context. ----------------------
mapfile -t allowed < <(sed -n 's/^!//p' .dockerignore)
# any_within PATH ENTRY...: PATH is one of the ENTRYs or lies below one of them.
any_within() {
  local path=$1 other
  shift
  for other in "$@"; do
    if [ "$path" = "$other" ] || [[ $path == "$other"/* ]]; then return 0; fi
  done
  return 1
}
# any_containing ENTRY PATH...: one of the PATHs is ENTRY or lies below it.
any_containing() {
  local entry=$1 other
  shift
  for other in "$@"; do any_within "$other" "$entry" && return 0; done
  return 1
}
for source in "${context_sources[@]}"; do
  any_within "$source" "${allowed[@]}" || fail ".dockerignore keeps out $source, which the Dockerfile copies"
done
for entry in "${allowed[@]}"; do
  any_containing "$entry" "${context_sources[@]}" || fail ".dockerignore lets in $entry, which the Dockerfile never copies"
done

# --- The runtime is complete and lean. ----------------------------------------------------------------
for needed in bin/omis.js package.json dist/cli/omis.js dist/generated/prisma/client.js \
  dist/embedded-template.tar.gz prisma/migrations demo/demo-seed.json node_modules/argon2; do
  [ -e "$runtime/$needed" ] || fail "the runtime lacks $needed"
done
for tool in prisma typescript @prisma/studio-core @prisma/dev vitest tsx dclint .bin/tsc .bin/prisma; do
  [ ! -e "$runtime/node_modules/$tool" ] || fail "the runtime carries the build tool node_modules/$tool"
done
modules_mb=$(du -sm "$runtime/node_modules" | cut -f1)
total_mb=$(du -sm "$runtime" | cut -f1)
dist_mb=$(du -sm "$runtime/dist" | cut -f1)
packages=$(cd "$runtime" && npm ls --all --parseable --omit=dev --omit=optional 2>/dev/null | tail -n +2 | wc -l)
say "runtime size: node_modules ${modules_mb} MB (${packages} packages), dist ${dist_mb} MB, total ${total_mb} MB"

# The entrypoint and healthcheck as argument lists (JSON arrays in the Dockerfile).
json_words() { node -e 'for (const word of JSON.parse(process.argv[1])) process.stdout.write(word + "\0")' "$1"; }
mapfile -d '' -t entrypoint_words < <(json_words "$entrypoint")
mapfile -d '' -t healthcheck_words < <(json_words "$healthcheck")

# Runs the runtime as the image would (its ENV; no .env, DATABASE_URL or TEST_DATABASE_URL from here),
# with the host-specific settings given as arguments (KEY=VALUE ...) before the command's words.
run_runtime() {
  local settings=()
  while [[ ${1:-} == *=* ]]; do
    settings+=("$1")
    shift
  done
  (cd "$runtime" && exec env -u DATABASE_URL -u TEST_DATABASE_URL -u PGPASSWORD "${runtime_env[@]}" "${settings[@]}" \
    "${entrypoint_words[@]}" "$@")
}

# --- `omis serve --demo` on the embedded database. ----------------------------------------------------
port=$(node -e 'const s = require("node:net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })')
serve_log="$work/serve.log"
say "omis serve --demo on the embedded database, port $port"
# Started directly (not through run_runtime, whose own subshell would stand between): $! is the server.
(cd "$runtime" && exec env -u DATABASE_URL -u TEST_DATABASE_URL -u PGPASSWORD "${runtime_env[@]}" \
  HOST=127.0.0.1 PORT="$port" OMIS_DATA_DIR="$work/data" LOG_LEVEL=warn \
  "${entrypoint_words[@]}" serve --demo --no-simulator) >"$serve_log" 2>&1 &
server_pid=$!
healthy=false
for _ in $(seq 1 120); do
  kill -0 "$server_pid" 2>/dev/null || {
    cat "$serve_log" >&2
    fail "omis serve exited while starting"
  }
  # `timeout 5`: the HEALTHCHECK's own --timeout=5s.
  if (cd "$runtime" && PORT="$port" timeout 5 "${healthcheck_words[@]}"); then
    healthy=true
    break
  fi
  sleep 0.5
done
$healthy || {
  cat "$serve_log" >&2
  fail "the HEALTHCHECK command did not pass within 60 s"
}
say "HEALTHCHECK passes"

page_url="http://127.0.0.1:$port/WebAPI/TaskManager.aspx?ManagerLoginName=acme-mkt&ManagerPassword=mkt-pass&LaunchID=5001"
# shellcheck disable=SC2016 # JavaScript, not shell: its ${…} are template literals
node -e '
  const [url] = process.argv.slice(1);
  fetch(url, { signal: AbortSignal.timeout(15000) }).then(async (response) => {
    const body = await response.text();
    const ok = response.status === 200 && body.includes("<ErrorCode>0</ErrorCode>") && body.includes("<LaunchID>5001</LaunchID>");
    if (!ok) { console.error(`unexpected answer (HTTP ${response.status}):\n${body}`); process.exit(1); }
  }, (error) => { console.error(error); process.exit(1); });
' "$page_url" || {
  cat "$serve_log" >&2
  fail "the authenticated page request (acme-mkt, LaunchID 5001) did not answer with the launch"
}
say "authenticated page request answers launch 5001"

kill -TERM "$server_pid"
serve_status=0
wait "$server_pid" || serve_status=$?
server_pid=""
[ "$serve_status" -eq 0 ] || {
  cat "$serve_log" >&2
  fail "omis serve exited $serve_status on SIGTERM (expected 0)"
}
say "omis serve stopped cleanly on SIGTERM"

# --- migrate, seed and account add on a throwaway PostgreSQL database. -------------------------------
pg_isready -q -h 127.0.0.1 -p 5432 || fail "PostgreSQL is not running at 127.0.0.1:5432"
"${PSQL[@]}" -d postgres -c "CREATE DATABASE \"$database\""
database_created=true
url="postgresql://postgres@127.0.0.1:5432/$database"
migrations=$(find "$runtime/prisma/migrations" -mindepth 2 -maxdepth 2 -name migration.sql | wc -l)
say "omis migrate on PostgreSQL database $database ($migrations migrations)"
pg=(DATABASE_URL="$url" OMIS_DATA_DIR="$work/unused-data-dir")
run_runtime "${pg[@]}" migrate
applied=$("${PSQL[@]}" -d "$database" -Atc 'SELECT count(*) FROM "_prisma_migrations" WHERE finished_at IS NOT NULL')
[ "$applied" -eq "$migrations" ] || fail "omis migrate recorded $applied migrations, expected $migrations"
second=$(run_runtime "${pg[@]}" migrate)
[[ $second == *": 0 applied, $migrations already applied"* ]] ||
  fail "a second omis migrate did not find every migration applied: $second"
# The documented first step on an empty database: the first manager account.
accounts=$("${PSQL[@]}" -d "$database" -Atc "SELECT count(*) FROM account")
[ "$accounts" -eq 0 ] || fail "a freshly migrated database holds $accounts accounts, expected none (no default account)"
run_runtime "${pg[@]}" account add --login recipe-admin --password 'recipe-pass-1' \
  --user-id 990001 --customer-id RECIPE --licence TaskManager
run_runtime "${pg[@]}" seed demo/demo-seed.json
accounts=$("${PSQL[@]}" -d "$database" -Atc "SELECT count(*) FROM account WHERE login_key IN ('recipe-admin', 'acme-mkt')")
[ "$accounts" -eq 2 ] || fail "expected the added and the seeded account in the database, found $accounts"
say "omis migrate (twice), the first account on an empty database, and seed work on PostgreSQL"

# --- A plain `npm ci --omit=dev` works too (optional peers kept: larger, but nothing fails). ----------
plain="$work/plain-omit-dev"
mkdir -p "$plain/scripts"
cp "$context/package.json" "$context/package-lock.json" "$plain/"
cp "$context/scripts/postinstall.mjs" "$plain/scripts/"
plain_log="$work/plain-omit-dev.log"
(cd "$plain" && npm ci --omit=dev --no-audit --no-fund) >"$plain_log" 2>&1 || {
  cat "$plain_log" >&2
  fail "npm ci --omit=dev failed"
}
grep -q 'production install, nothing to build here' "$plain_log" || {
  cat "$plain_log" >&2
  fail "npm ci --omit=dev: the postinstall did not recognise a production install"
}
(cd "$plain" && node -e 'require("argon2"); require("@electric-sql/pglite"); require("fastify")') || fail "npm ci --omit=dev: the runtime's dependencies do not load"
say "plain npm ci --omit=dev works ($(du -sm "$plain/node_modules" | cut -f1) MB of node_modules)"

say "production recipe OK: runtime node_modules ${modules_mb} MB, total ${total_mb} MB"
