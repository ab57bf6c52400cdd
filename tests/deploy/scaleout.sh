#!/usr/bin/env bash
#
# scaleout.sh BUILD_DIR: the installation of docs/scaling.md on one
# machine, and what it must survive.  A PostgreSQL primary with a
# streaming replica (pg_basebackup -R), pgbouncer in session mode in
# front of the primary, two app hosts (network namespaces of their own, a veth
# link each) running tix-auth, tix-tickets and tix-files on TCP, one
# nginx with both hosts in each upstream.  Then:
#   1. a write followed at once by a list and a search shows the write
#      while the replica's replay is paused (so those came from the
#      primary), and once it has caught up, lists are served by the
#      replica; with the replica down, lists still answer;
#   2. under GET load, every process of one app host is killed: not one
#      GET fails, and both hosts had served before;
#   3. the primary is stopped, the replica promoted and pgbouncer
#      repointed with the commands of docs/scaling.md: reads and writes
#      work, and the earlier tickets are there.
# As root (namespaces).  Everything is stopped and removed on any exit.
set -euo pipefail

build=$(cd "${1:?usage: scaleout.sh BUILD_DIR}" && pwd -P)
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
# shellcheck source=../../scripts/lib/stack.sh
. "$root/scripts/lib/stack.sh"
# shellcheck source=../../scripts/lib/replica.sh
. "$root/scripts/lib/replica.sh"

say() { printf 'scaleout: %s\n' "$*" >&2; }
die() {
	printf 'scaleout: FAIL: %s\n' "$*" >&2
	exit 1
}
is_root || { say "needs root (network namespaces); skipped"; exit 77; }
command -v pgbouncer >/dev/null || ensure_packages pgbouncer

work=$(mktemp -d /tmp/tix-scaleout.XXXXXX)
chmod 0711 "$work"
# Names and a network of this run's own: other runs share the machine.
tag=tx$$
hosts=("${tag}a" "${tag}b")
# Host i: here[i] on this side of its link, there[i] in its namespace,
# a /30 each in a /29 that the pid picks.
net=10.$((100 + ($$ >> 16) % 100)).$((($$ >> 8) % 256))
low=$((($$ % 32) * 8))
here=("$net.$((low + 1))" "$net.$((low + 5))")
there=("$net.$((low + 2))" "$net.$((low + 6))")
ip -4 addr | grep -q -e " ${here[0]}/" -e " ${here[1]}/" &&
	die "the addresses ${here[*]} are in use here"

cleanup() {
	local rc=$? h
	trap - EXIT INT TERM
	for h in "${hosts[@]}"; do apphost_del "$h"; done
	stop_all
	replica_stop immediate || true
	if [ "$rc" -ne 0 ] && [ "$rc" -ne 77 ]; then
		TIX_LOG_LINES=20 _log_tail "$work"/tx*/tix-*.log \
			"$work/log/error.log" "${PG_LOG:-/nonexistent}" \
			"$work/replica/postgresql.log" "$work/pgbouncer/pgbouncer.log"
	fi
	if [ -n "${TIX_KEEP:-}" ]; then say "kept $work"; else rm -rf "$work"; fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ------------------------------------------------------------ databases
pg_start "$work/pg" "$(free_port)"
pg_ensure_db tix tix
export TIX_DATABASE_URL
TIX_DATABASE_URL=$(pg_conninfo tix tix)
export TIX_SQL_DIR=$root/sql
"$build/tix-admin" migrate >"$work/migrate.log" 2>&1 ||
	{ cat "$work/migrate.log" >&2; die "migrate failed"; }
# pgbouncer passes no startup options on: the workers' session settings
# are the role's (docs/scaling.md).
pg_psql tix <<'EOF'
ALTER ROLE tix SET statement_timeout = 10000;
ALTER ROLE tix SET lock_timeout = 5000;
ALTER ROLE tix SET idle_in_transaction_session_timeout = 60000;
ALTER ROLE tix SET TimeZone = 'UTC';
ALTER ROLE tix SET jit = off;
EOF
for h in 0 1; do apphost_add "${hosts[$h]}" "${here[$h]}" "${there[$h]}"; done
replica_start "$work/replica" "$(free_port)" "127.0.0.1,${here[0]},${here[1]}" \
	"$net.$low/29"
say "primary on port $PG_PORT, replica on port $REPLICA_PORT"

pw=$(python3 -c 'import secrets; print(secrets.token_hex(16))')
pg_psql postgres -c "ALTER ROLE tix PASSWORD '$pw'" >/dev/null
pgb_port=$(free_port)
pgbouncer_start "$work/pgbouncer" "${here[0]},${here[1]}" "$pgb_port" "$pw"

# ------------------------------------------------------------ app hosts
mkdir -p "$work/log" "$work/nginx" "$work/run"
chmod 0711 "$work/nginx"
user=${TIX_RUN_USER:-tix}
id -u "$user" >/dev/null 2>&1 || prepare_run_user "$work" "$build"
export TIX_ATTACHMENT_KEY_FILE=$work/attachment.key TIX_TOTP_KEY_FILE=$work/totp.key
ensure_attachment_key "$TIX_ATTACHMENT_KEY_FILE"
ensure_key "$TIX_TOTP_KEY_FILE" "two-factor key"
chown "$user" "$TIX_ATTACHMENT_KEY_FILE" "$TIX_TOTP_KEY_FILE"
for h in 0 1; do
	m=$work/metrics-$h
	mkdir -p "$m"
	chown "$user" "$m"
	chmod 0700 "$m"
	# shellcheck disable=SC2034 # read by start_worker
	TIX_WORKER_ENV=(
		"TIX_DATABASE_URL=host=${here[$h]} port=$pgb_port dbname=tix user=tix password=$pw"
		"TIX_DATABASE_READ_URL=host=${here[$h]} port=$REPLICA_PORT dbname=tix user=tix password=$pw connect_timeout=2"
		"TIX_METRICS_DIR=$m")
	apphost_start_workers "${hosts[$h]}" "${there[$h]}" "$work" 2 "$build"
done

# ---------------------------------------------------------------- nginx
http_port=$(free_port)
export TIX_HTTP_ADDR=127.0.0.1 TIX_HTTP_PORT=$http_port
export TIX_HTML_DIR=$root/html TIX_STATE_DIR=$work/nginx TIX_LOG_DIR=$work/log
export TIX_AUTH_UPSTREAM=${there[0]}:9001
export TIX_TICKETS_UPSTREAM=${there[0]}:9002
export TIX_FILES_UPSTREAM=${there[0]}:9003
export TIX_LOGIN_MAX_CONCURRENT=8 TIX_TICKET_RATE=1000000
render_nginx "$root/nginx/tix.conf.template" "$work/nginx/nginx.conf"
# The second host in every upstream, and which one served in the log.
# shellcheck disable=SC2016 # nginx's variables, literally
b=${there[1]}
sed -i -e "s|server \"${there[0]}:\\(900[123]\\)\";|&\n        server \"$b:\\1\";|" \
	-e 's|"$http_user_agent"'"'"';|"$http_user_agent" $upstream_addr'"'"';|' \
	"$work/nginx/nginx.conf"
[ "$(grep -c "server \"$b:900" "$work/nginx/nginx.conf")" = 3 ] ||
	die "the second host is not in the upstreams"
# shellcheck disable=SC2034 # read by start_nginx
TIX_NGINX_USER=$(nginx_user_directive "$TIX_HTML_DIR" "$work/nginx" "$work/run")
start_nginx "$work/nginx/nginx.conf" "$work/nginx/" "$work/log" "$work/run/nginx.pid"
base=http://127.0.0.1:$http_port
wait_for_http "$base/api/health" 30 200 || die "no health through nginx"

# ------------------------------------------------------------- helpers
password=$(python3 -c 'import secrets; print(secrets.token_urlsafe(18))')
email=scale-customer@example.com
printf '%s\n' "$password" | "$build/tix-admin" user add --email "$email" \
	--name 'Scale Customer' --role customer --account 'Scale Co' >/dev/null
out=$work/out.json
json() { python3 -c 'import json, sys; print(eval("json.load(open(sys.argv[1]))" + sys.argv[2]))' "$out" "$1"; }
jar=$work/jar
code=$(curl -sS -o "$out" -w '%{http_code}' -c "$jar" \
	-H 'Content-Type: application/json' \
	--data-binary "{\"email\":\"$email\",\"password\":\"$password\"}" \
	"$base/api/auth/login")
[ "$code" = 200 ] || die "login: HTTP $code"
csrf=$(json '["csrf_token"]')
code=$(curl -sS -o "$out" -w '%{http_code}' -b "$jar" \
	-H 'Content-Type: application/json' -H "X-CSRF-Token: $csrf" \
	--data-binary '{"name":"scaleout"}' "$base/api/me/tokens")
[ "$code" = 201 ] || die "POST /api/me/tokens: HTTP $code"
token=$(json '["token"]')

# api METHOD PATH [BODY]: one request with the token; the body in $out,
# the status printed.
api() {
	local args=(-sS -o "$out" -w '%{http_code}' -X "$1"
		-H "Authorization: Bearer $token" -H 'Accept: application/json')
	[ $# -lt 3 ] || args+=(-H 'Content-Type: application/json' --data-binary "$3")
	curl "${args[@]}" "$base$2" || printf 'curl-failed'
}
# create SUBJECT: a new ticket; prints its number.
create() {
	local code
	code=$(api POST /api/tickets "{\"subject\":\"$1\",\"description\":\"Seen on both hosts\",\"category\":\"technical\",\"priority\":\"normal\"}")
	[ "$code" = 201 ] || die "POST /api/tickets: HTTP $code: $(head -c 300 "$out")"
	json '["ticket"]["number"]'
}
# listed PATH NUMBER: whether the list at PATH shows ticket NUMBER.
listed() {
	local code
	code=$(api GET "$1")
	[ "$code" = 200 ] || die "GET $1: HTTP $code: $(head -c 300 "$out")"
	python3 -c 'import json, sys; sys.exit(sys.argv[2] not in [t["number"] for t in json.load(open(sys.argv[1]))["tickets"]])' "$out" "$2"
}
on_replica() { replica_psql tix -At -c "$1"; }
replica_xacts() { on_replica "SELECT xact_commit FROM pg_stat_database WHERE datname = 'tix'"; }

# ---------------------------------------------- 1. read your own writes
first=$(create "Scale first ticket")
for ((i = 0; i < 100; i++)); do
	[ "$(on_replica "SELECT count(*) FROM tickets")" = 1 ] && break
	sleep 0.1
done
on_replica "SELECT pg_wal_replay_pause()" >/dev/null
word=zebracorn$$
held=$(create "Scale held $word")
n=$(echo "$held" | tr -dc 0-9)
[ "$(on_replica "SELECT count(*) FROM tickets WHERE number = $n")" = 0 ] ||
	die "the replica has $held although its replay is paused"
listed /api/tickets "$held" || die "the list right after the write lacks $held"
listed "/api/tickets?q=$word" "$held" || die "the search right after the write lacks $held"
say "replay paused: the list and the search right after the write show $held"
on_replica "SELECT pg_wal_replay_resume()" >/dev/null
for ((i = 0; i < 100; i++)); do
	[ "$(on_replica "SELECT count(*) FROM tickets WHERE number = $n")" = 1 ] && break
	sleep 0.1
done
before=$(replica_xacts)
for ((i = 0; i < 20; i++)); do
	listed /api/tickets "$held" || die "the list lacks $held"
done
# The replica's statistics reach its view within a second or so.
for ((i = 0; i < 50; i++)); do
	after=$(replica_xacts)
	[ $((after - before)) -ge 20 ] && break
	sleep 0.2
done
[ $((after - before)) -ge 20 ] ||
	die "20 lists ran $((after - before)) transactions on the replica, expected 40 or more"
say "caught up: 20 lists ran $((after - before)) transactions on the replica"
replica_stop fast
for ((i = 0; i < 5; i++)); do
	listed /api/tickets "$held" || die "with the replica down the list lacks $held"
done
say "replica down: lists answer from the primary"
_pg_as "$PG_BIN/pg_ctl" -D "$REPLICA_DATA" -l "$work/replica/postgresql.log" \
	-w -t 60 start >/dev/null

# ------------------------------------------------ 2. one app host dies
ticket_paths=("/api/tickets/$first" "/api/tickets/$held" /api/tickets
	"/api/tickets?q=$word")
: >"$work/log/access.log.mark"
python3 "$root/tests/deploy/getload.py" "$base" "$token" 12 4 \
	"${ticket_paths[@]}" >"$work/load.json" &
load=$!
sleep 4
served_a=$(grep -c " ${there[0]}:" "$work/log/access.log" || true)
served_b=$(grep -c " ${there[1]}:" "$work/log/access.log" || true)
apphost_kill "${hosts[0]}"
say "killed every process of ${hosts[0]} (it had served $served_a requests, ${hosts[1]} $served_b)"
wait "$load" || die "the load driver failed"
say "GET load across the kill: $(cat "$work/load.json")"
python3 - "$work/load.json" <<'EOF' || die "GETs failed while an app host died"
import json, sys
c = json.load(open(sys.argv[1]))
ok = c.get("200", 0)
bad = {k: v for k, v in c.items() if k != "200"}
sys.exit(1 if bad or ok < 100 else 0)
EOF
[ "$served_a" -gt 0 ] && [ "$served_b" -gt 0 ] ||
	die "both hosts should have served before the kill ($served_a, $served_b)"
[ "$(api GET "/api/tickets/$held")" = 200 ] || die "GET after the kill failed"

# --------------------------------------------- 3. the primary is lost
for ((i = 0; i < 100; i++)); do
	[ "$(on_replica "SELECT count(*) FROM tickets")" = 2 ] && break
	sleep 0.1
done
_pg_as "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w -t 60 stop >/dev/null
# docs/scaling.md, "Failover": promote, repoint pgbouncer.
replica_promote
pgbouncer_repoint "$REPLICA_SOCK" "$REPLICA_PORT"
wait_for_http "$base/api/health" 30 200 || die "no health after the failover"
for ((i = 0; i < 50; i++)); do
	[ "$(api GET "/api/tickets/$held")" = 200 ] && break
	sleep 0.2
done
[ "$(api GET "/api/tickets/$first")" = 200 ] ||
	die "GET $first after the failover: $(head -c 300 "$out")"
after_failover=$(create "Scale after failover")
listed /api/tickets "$after_failover" || die "the list after the failover lacks $after_failover"
listed /api/tickets "$first" || die "the list after the failover lacks $first"
say "failover: the promoted replica reads and takes writes ($after_failover)"
say "PASS"
