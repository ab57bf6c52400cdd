# shellcheck shell=bash
#
# replica.sh: the pieces of a scaled-out installation on one machine, as
# docs/scaling.md has them: a streaming read replica of the cluster that
# stack.sh's pg_start started, pgbouncer in front of both, and "app
# hosts" (network namespaces with a veth link to this host) that run the
# FastCGI workers on TCP.
#
# Sourced after stack.sh, never executed; as root (namespaces, and the
# clusters run as postgres).  Every function prints why it failed on
# stderr and returns non-zero.

# replica_start AREA PORT LISTEN NET: a streaming replica of the running
# cluster (PG_SOCK, PG_PORT) in AREA/data, made by pg_basebackup -R,
# listening on its own unix socket AREA/sock and on LISTEN (addresses,
# comma-separated) port PORT, where the role tix of network NET (CIDR)
# logs in with its password.  Waits until it accepts connections.  Sets
# REPLICA_DATA, REPLICA_SOCK, REPLICA_PORT.
replica_start() {
	local area=$1 listen=$3 net=$4
	REPLICA_PORT=$2
	mkdir -p "$area"
	chown postgres:postgres "$area"
	chmod 0700 "$area"
	REPLICA_DATA=$area/data
	REPLICA_SOCK=$area/sock
	rm -rf "$REPLICA_DATA"
	mkdir -p "$REPLICA_SOCK"
	chown postgres:postgres "$REPLICA_SOCK"
	chmod 0700 "$REPLICA_SOCK"
	if ! _pg_as "$PG_BIN/pg_basebackup" -h "$PG_SOCK" -p "$PG_PORT" \
		-U postgres -D "$REPLICA_DATA" -R --checkpoint=fast \
		--wal-method=stream >"$area/basebackup.log" 2>&1; then
		_log_tail "$area/basebackup.log"
		stack_fail "pg_basebackup failed"
		return 1
	fi
	# The copy has the primary's tix.conf: its own port and socket.
	sed -i -e "s|^port = .*|port = $REPLICA_PORT|" \
		-e "s|^listen_addresses = .*|listen_addresses = '$listen'|" \
		-e "s|^unix_socket_directories = .*|unix_socket_directories = '$REPLICA_SOCK'|" \
		"$REPLICA_DATA/tix.conf"
	printf 'hot_standby = on\nhot_standby_feedback = on\n' \
		>>"$REPLICA_DATA/tix.conf"
	printf 'host tix tix %s scram-sha-256\n' "$net" >>"$REPLICA_DATA/pg_hba.conf"
	if ! _pg_as "$PG_BIN/pg_ctl" -D "$REPLICA_DATA" -l "$area/postgresql.log" \
		-w -t 60 start >/dev/null; then
		_log_tail "$area/postgresql.log"
		stack_fail "the replica did not start"
		return 1
	fi
}

# replica_stop [MODE]: stop the replica (fast, or MODE), if it runs.
replica_stop() {
	[ -n "${REPLICA_DATA:-}" ] && [ -f "$REPLICA_DATA/postmaster.pid" ] ||
		return 0
	_pg_as "$PG_BIN/pg_ctl" -D "$REPLICA_DATA" -m "${1:-fast}" -w -t 60 \
		stop >/dev/null
}

# replica_psql ARGS...: psql as the superuser on the replica's socket.
replica_psql() {
	"$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 \
		-d "host=$REPLICA_SOCK port=$REPLICA_PORT dbname=tix user=postgres" "$@"
}

# replica_promote: end recovery on the replica (docs/scaling.md) and wait
# until it takes writes.
replica_promote() {
	_pg_as "$PG_BIN/pg_ctl" -D "$REPLICA_DATA" -w -t 60 promote >/dev/null ||
		{ stack_fail "pg_ctl promote failed"; return 1; }
	[ "$(replica_psql -At -c 'SELECT pg_is_in_recovery()')" = f ] ||
		stack_fail "the replica is still in recovery after promote"
}

# pgbouncer_start DIR LISTEN PORT PASSWORD: pgbouncer in session mode on
# LISTEN (addresses, comma-separated) port PORT, as postgres, in front of
# the primary (PG_SOCK, PG_PORT) as the database tix.  The role tix logs
# in with PASSWORD (SCRAM); pgbouncer reaches the primary through its
# unix socket.
# Registered with stop_all.  Sets PGB_DIR.
pgbouncer_start() {
	local listen=$2 port=$3 pw=$4
	PGB_DIR=$1
	mkdir -p "$PGB_DIR"
	(umask 077 && printf '"tix" "%s"\n' "$pw" >"$PGB_DIR/userlist.txt")
	_pgbouncer_conf "$PG_SOCK" "$PG_PORT" "$listen" "$port"
	chown -R postgres:postgres "$PGB_DIR"
	start_bg pgbouncer "$PGB_DIR/pgbouncer.pid" "$PGB_DIR/pgbouncer.log" \
		setpriv --reuid=postgres --regid=postgres --init-groups \
		pgbouncer "$PGB_DIR/pgbouncer.ini"
	local i
	for ((i = 0; i < 100; i++)); do
		[ -S "$PGB_DIR/.s.PGSQL.$port" ] && return 0
		pid_alive "$(cat "$PGB_DIR/pgbouncer.pid")" || break
		sleep 0.1
	done
	_log_tail "$PGB_DIR/pgbouncer.log"
	stack_fail "pgbouncer did not start"
}

# _pgbouncer_conf PRIMARY_SOCK PRIMARY_PORT [LISTEN PORT]: (re)write the
# ini file with the database tix on that primary.
_pgbouncer_conf() {
	if [ $# -gt 2 ]; then
		PGB_LISTEN=$3
		PGB_PORT=$4
	fi
	cat >"$PGB_DIR/pgbouncer.ini" <<EOF
; Written by scripts/lib/replica.sh (docs/scaling.md).
[databases]
tix = host=$1 port=$2 dbname=tix user=tix

[pgbouncer]
listen_addr = $PGB_LISTEN
listen_port = $PGB_PORT
unix_socket_dir = $PGB_DIR
auth_type = scram-sha-256
auth_file = $PGB_DIR/userlist.txt
; Session mode: the workers prepare their statements once per
; connection, which transaction mode loses (pgbouncer before 1.21).
pool_mode = session
max_client_conn = 400
default_pool_size = 60
server_check_query = SELECT 1
server_connect_timeout = 3
; A server that was down is tried again after a second, not fifteen,
; and a client waits for one at most 10 s: a worker answers 503 before
; nginx (30 s) gives up on it.
server_login_retry = 1
query_wait_timeout = 10
ignore_startup_parameters = options
EOF
}

# pgbouncer_repoint PRIMARY_SOCK PRIMARY_PORT: the database tix now goes
# to that server: the ini rewritten, then SIGHUP, on which pgbouncer
# reads it again (what `systemctl reload pgbouncer` sends).
pgbouncer_repoint() {
	local pid
	_pgbouncer_conf "$1" "$2"
	chown postgres:postgres "$PGB_DIR/pgbouncer.ini"
	pid=$(_pidfile_pid "$PGB_DIR/pgbouncer.pid" pgbouncer) ||
		{ stack_fail "pgbouncer is not running"; return 1; }
	kill -HUP "$pid"
}

# apphost_add NAME HERE THERE: the network namespace NAME with a veth
# link to this host, address HERE/30 on this side, THERE/30 in it (one
# /30), and its own loopback up.  apphost_del NAME removes it (its
# processes end first: apphost_kill).
apphost_add() {
	local ns=$1
	ip netns add "$ns" || return 1
	ip link add "${ns}h" type veth peer name "${ns}n" || return 1
	ip link set "${ns}n" netns "$ns"
	ip addr add "$2/30" dev "${ns}h"
	ip link set "${ns}h" up
	ip netns exec "$ns" ip addr add "$3/30" dev "${ns}n"
	ip netns exec "$ns" ip link set "${ns}n" up
	ip netns exec "$ns" ip link set lo up
}

# apphost_kill NAME: SIGKILL every process in the namespace, as a host
# that loses its power; waits until they are gone.
apphost_kill() {
	local i pids
	for ((i = 0; i < 50; i++)); do
		pids=$(ip netns pids "$1" 2>/dev/null) || return 0
		[ -n "$pids" ] || return 0
		# shellcheck disable=SC2086 # one pid a word
		kill -KILL $pids 2>/dev/null || true
		sleep 0.1
	done
	stack_fail "processes of $1 survive SIGKILL"
}

apphost_del() {
	apphost_kill "$1" || true
	ip link del "${1}h" 2>/dev/null || true
	ip netns del "$1" 2>/dev/null || true
}

# apphost_start_workers NAME ADDR STATE N BUILD: tix-auth, tix-tickets
# and tix-files in namespace NAME on ADDR ports 9001-9003, N processes each,
# as TIX_RUN_USER, with the environment of TIX_WORKER_ENV; logs and pid
# files in STATE/NAME.
apphost_start_workers() {
	local ns=$1 addr=$2 dir=$3/$1 n=$4 build=$5 user=${TIX_RUN_USER:-tix}
	local w port=9000
	mkdir -p "$dir"
	chown "$user:$(id -gn "$user")" "$dir"
	local saved=("${TIX_RUN_AS[@]}")
	TIX_RUN_AS=(ip netns exec "$ns" setpriv "--reuid=$user" "--regid=$user"
		--init-groups)
	for w in auth tickets files; do
		port=$((port + 1))
		start_worker "tix-$w" "$build/tix-$w" "$addr:$port" "$n" \
			"$dir/tix-$w.log" "$dir/tix-$w.pid" || return 1
	done
	TIX_RUN_AS=("${saved[@]}")
}
