# shellcheck shell=bash
#
# stack.sh: the pieces scripts/run and scripts/test share to bring up the
# local stack: packages, a private PostgreSQL cluster, the FastCGI workers
# and nginx, all on loopback, and to take it down again.
#
# Sourced, never executed.  Every function is safe under `set -euo pipefail`;
# a function that cannot do its job prints why on stderr and returns
# non-zero (the callers run with `set -e`, so that ends the script).
#
# Processes are started in a session of their own (setsid), so a Ctrl-C in
# the terminal reaches only the calling script, whose trap then stops
# everything in order: nginx, the workers, PostgreSQL.
#
# Globals set here (read them, do not set them):
#   PG_BIN PG_AREA PG_DATA PG_SOCK PG_PORT PG_LOG   after pg_start
#   TIX_STACK_PIDFILES                              pid files stop_all stops

TIX_PACKAGES=(build-essential cmake pkg-config libfcgi-dev libpq-dev
	libjson-c-dev libcurl4-openssl-dev libsodium-dev libcmocka-dev
	postgresql postgresql-client nginx-light python3 curl gettext-base
	wrk docker-compose python3-aiosmtpd dovecot-imapd chromium
	libcrack2-dev cracklib-runtime liboath-dev libqrencode-dev
	libgmime-3.0-dev libxml2-dev libytnef0-dev slowhttptest faketime
	pgbouncer bubblewrap iproute2)

# The placeholders of nginx/tix.conf.template.  envsubst replaces these and
# nothing else, so nginx's own $uri, $request_id... survive.
# shellcheck disable=SC2016 # literal placeholders, for envsubst
TIX_NGINX_VARS='${TIX_HTTP_ADDR} ${TIX_HTTP_PORT} ${TIX_HTML_DIR} ${TIX_STATE_DIR} ${TIX_LOG_DIR} ${TIX_AUTH_UPSTREAM} ${TIX_TICKETS_UPSTREAM} ${TIX_FILES_UPSTREAM} ${TIX_LOGIN_MAX_CONCURRENT} ${TIX_TICKET_RATE}'

TIX_STACK_PIDFILES=()

stack_say() { printf 'tix: %s\n' "$*" >&2; }
stack_fail() { printf 'tix: error: %s\n' "$*" >&2; return 1; }

is_root() { [ "$(id -u)" -eq 0 ]; }

# as_root CMD...: run CMD as root, through sudo when we are not root.
as_root() {
	if is_root; then
		"$@"
	elif command -v sudo >/dev/null 2>&1; then
		sudo "$@"
	else
		stack_fail "need root (or sudo) for: $*"
	fi
}

# ensure_packages [EXTRA...]: install the Debian packages of TIX_PACKAGES
# (and EXTRA) that are not installed yet.  Runs `apt-get update` once, first
# when the package lists are empty, else only when an install fails.
# Package maintainer scripts may not start services meanwhile (a fresh
# postgresql or nginx package would otherwise grab ports 5432 and 80).
ensure_packages() {
	local p st missing=()
	for p in "${TIX_PACKAGES[@]}" "$@"; do
		st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null) || st=
		[ "$st" = installed ] || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	stack_say "installing: ${missing[*]}"
	local policy=/usr/sbin/policy-rc.d made_policy='' rc=0
	if [ ! -e "$policy" ]; then
		as_root sh -c "printf '#!/bin/sh\nexit 101\n' > $policy &&
			chmod 755 $policy" && made_policy=1
	fi
	if ! compgen -G '/var/lib/apt/lists/*_Packages*' >/dev/null; then
		_apt update || rc=$?
	fi
	if [ "$rc" -eq 0 ]; then
		_apt install "${missing[@]}" ||
			{ _apt update && _apt install "${missing[@]}"; } || rc=$?
	fi
	[ -n "$made_policy" ] && as_root rm -f "$policy"
	[ "$rc" -eq 0 ] || stack_fail "apt-get failed (status $rc)"
}

_apt() {
	local sub=$1
	shift
	if [ "$sub" = update ]; then
		[ -n "${_TIX_APT_UPDATED:-}" ] && return 0
		_TIX_APT_UPDATED=1
		as_root env DEBIAN_FRONTEND=noninteractive apt-get -q update
	else
		as_root env DEBIAN_FRONTEND=noninteractive apt-get -q -y \
			--no-install-recommends install "$@"
	fi
}

# ---------------------------------------------------------------- ports

# port_is_free PORT: true when nothing listens on 127.0.0.1:PORT.
port_is_free() {
	python3 - "$1" <<'EOF'
import socket, sys
s = socket.socket()
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(1)
EOF
}

# free_port: print a TCP port that is free on 127.0.0.1 right now.
free_port() {
	python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

# ----------------------------------------------------------- processes

# _proc_state PID: print the state letter of PID (R, S, Z...), or nothing.
_proc_state() {
	local line
	{ read -r line <"/proc/$1/stat"; } 2>/dev/null || return 0
	line=${line##*) }
	printf '%s' "${line%% *}"
}

# _group_alive PGID: true while a live (non-zombie) process is in PGID.
_group_alive() {
	local f line rest
	for f in /proc/[0-9]*/stat; do
		{ read -r line <"$f"; } 2>/dev/null || continue
		rest=${line##*) }
		# rest = "state ppid pgrp ..."
		# shellcheck disable=SC2086 # split into fields on purpose
		set -- $rest
		if [ "${3:-}" = "$_tix_pgid" ] && [ "$1" != Z ]; then
			return 0
		fi
	done
	return 1
}

pid_alive() {
	local st
	st=$(_proc_state "$1")
	[ -n "$st" ] && [ "$st" != Z ]
}

# _pidfile_pid PIDFILE NAME: print the pid in PIDFILE when that process is
# alive and is NAME (its command line names it), so that a stale pid file
# from a crashed run never makes us signal an unrelated process.
_pidfile_pid() {
	local pid
	[ -s "$1" ] || return 1
	pid=$(cat "$1")
	case $pid in '' | *[!0-9]*) return 1 ;; esac
	pid_alive "$pid" || return 1
	tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$2" ||
		return 1
	printf '%s\n' "$pid"
}

# stop_pidfile PIDFILE NAME [SECONDS]: SIGTERM the process of PIDFILE, wait
# up to SECONDS (default 35: a worker finishes its in-flight request, which
# nginx gives 30 s) until it and every process of its group are gone, then
# SIGKILL the group.  Removes the pid file.
stop_pidfile() {
	local pidfile=$1 name=$2 secs=${3:-35} pid i
	if pid=$(_pidfile_pid "$pidfile" "$name"); then
		kill -TERM "$pid" 2>/dev/null || true
		_tix_pgid=$pid
		for ((i = 0; i < secs * 10; i++)); do
			pid_alive "$pid" || _group_alive || break
			sleep 0.1
		done
		if pid_alive "$pid" || _group_alive; then
			stack_say "$name did not stop in ${secs}s: SIGKILL"
			kill -KILL -- "-$pid" 2>/dev/null ||
				kill -KILL "$pid" 2>/dev/null || true
		fi
	fi
	rm -f "$pidfile"
}

# stop_all: stop nginx, then the workers, then PostgreSQL.  Idempotent;
# never fails, so it is safe in an EXIT trap.
stop_all() {
	local i f
	for ((i = ${#TIX_STACK_PIDFILES[@]} - 1; i >= 0; i--)); do
		f=${TIX_STACK_PIDFILES[$i]}
		stop_pidfile "${f%%|*}" "${f#*|}" || true
	done
	TIX_STACK_PIDFILES=()
	pg_stop || true
}

# start_bg NAME PIDFILE LOGFILE CMD...: start CMD in the background in a
# session of its own, output appended to LOGFILE, pid into PIDFILE, and
# register it with stop_all.  CMD inherits the umask and the environment.
start_bg() {
	local name=$1 pidfile=$2 log=$3
	shift 3
	(exec setsid "$@") >>"$log" 2>&1 </dev/null &
	local pid=$!
	printf '%s\n' "$pid" >"$pidfile"
	TIX_STACK_PIDFILES+=("$pidfile|$name")
}

_log_tail() {
	local f
	for f in "$@"; do
		[ -s "$f" ] || continue
		printf -- '---- last lines of %s ----\n' "$f" >&2
		tail -n "${TIX_LOG_LINES:-30}" "$f" >&2
	done
}

# prepare_run_user STATE BUILD: as root, choose who the workers run as:
# the unprivileged system user TIX_RUN_USER (default "tix", uid and
# group of its own, created like the Dockerfile's when missing), never
# root.  That user reaches PostgreSQL over TCP with a password of the
# role tix (in a PGPASSFILE of its own, STATE/pgpass), owns the socket
# directory STATE/run (its group stays nginx's) and owns the attachment
# key when it lies in STATE.  Sets TIX_RUN_AS, the command prefix that starts a
# process as that user (empty when not root).  Only when the user cannot
# reach BUILD or STATE (a checkout under a private home) do the workers
# stay root, with a warning.
TIX_RUN_AS=()
prepare_run_user() {
	local state=$1 build=$2 user=${TIX_RUN_USER:-tix} pw
	TIX_RUN_AS=()
	is_root || return 0
	if ! id -u "$user" >/dev/null 2>&1; then
		stack_say "creating the system user $user for the workers"
		useradd --system --user-group --no-create-home \
			--home-dir /nonexistent --shell /usr/sbin/nologin "$user" ||
			{ stack_fail "cannot create the user $user"; return 1; }
	fi
	[ "$(id -u "$user")" -ne 0 ] ||
		{ stack_fail "TIX_RUN_USER $user is root"; return 1; }
	# shellcheck disable=SC2016 # expanded by the inner sh
	if ! (cd / && runuser -u "$user" -- sh -c \
		'test -x "$1/tix-auth" && test -x "$2/."' sh "$build" "$state") \
		2>/dev/null; then
		stack_say "$user cannot reach $build or $state: the workers run as root"
		return 0
	fi
	pw=$(python3 -c 'import secrets; print(secrets.token_hex(24))')
	pg_psql postgres -c "ALTER ROLE tix PASSWORD '$pw'" >/dev/null || return 1
	(umask 077 && printf '127.0.0.1:%s:tix:tix:%s\n' "$PG_PORT" "$pw" \
		>"$state/pgpass")
	chown "$user:$(id -gn "$user")" "$state/pgpass"
	chown "$user:$(id -gn nobody)" "$state/run"
	chmod 2750 "$state/run"
	# A key the scripts made (in STATE) becomes the user's, mode 0600; one
	# named from outside stays as it is and must be readable by the user.
	# So does the workers' metrics directory.
	local f
	for f in "${TIX_ATTACHMENT_KEY_FILE:-}" "${TIX_TOTP_KEY_FILE:-}" \
		"${TIX_MAIL_TOKEN_KEY_FILE:-}" "${TIX_METRICS_DIR:-}"; do
		case $f in
		"$state"/*)
			chown "$user:$(id -gn "$user")" "$f"
			[ -d "$f" ] || chmod 0600 "$f"
			;;
		esac
	done
	TIX_RUN_AS=(setpriv "--reuid=$user" "--regid=$user" --init-groups
		env "TIX_DATABASE_URL=host=127.0.0.1 port=$PG_PORT dbname=tix user=tix"
		"PGPASSFILE=$state/pgpass")
}

# start_worker NAME BIN LISTEN WORKERS LOGFILE PIDFILE: start a FastCGI
# worker (tix-auth, tix-tickets, tix-files) and wait until its socket accepts.  The
# extra environment in the array TIX_WORKER_ENV (NAME=VALUE...) is added.
# As root it runs as the user prepare_run_user chose (TIX_RUN_AS).
# Unix sockets are created group-accessible (umask 007) so that nginx,
# through the socket directory's group, can connect and nobody else can.
start_worker() {
	local name=$1 bin=$2 listen=$3 n=$4 log=$5 pidfile=$6
	[ -x "$bin" ] || stack_fail "$bin: not built" || return 1
	case $listen in unix:*) rm -f "${listen#unix:}" ;; esac
	(
		umask 007
		start_bg "$name" "$pidfile" "$log" \
			${TIX_RUN_AS[@]+"${TIX_RUN_AS[@]}"} \
			env ${TIX_WORKER_ENV[@]+"${TIX_WORKER_ENV[@]}"} \
			"$bin" --listen "$listen" --workers "$n" --pid-file "$pidfile"
	)
	TIX_STACK_PIDFILES+=("$pidfile|$name")
	local pid i
	pid=$(cat "$pidfile")
	for ((i = 0; i < 200; i++)); do
		if ! pid_alive "$pid"; then
			_log_tail "$log"
			stack_fail "$name exited at start (log: $log)"
			return 1
		fi
		if _listening "$listen"; then
			return 0
		fi
		sleep 0.1
	done
	_log_tail "$log"
	stack_fail "$name does not listen on $listen after 20s"
}

# _listening unix:PATH|HOST:PORT: true when a connection is accepted.
_listening() {
	case $1 in
	unix:*)
		python3 - "${1#unix:}" <<'EOF' 2>/dev/null
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.settimeout(1)
s.connect(sys.argv[1])
EOF
		;;
	*) (exec 3<>"/dev/tcp/${1%:*}/${1##*:}") 2>/dev/null ;;
	esac
}

# wait_for_http URL [SECONDS] [STATUS]: wait until URL answers (with STATUS
# when given, else with any HTTP status).  Default 30 seconds.
wait_for_http() {
	local url=$1 secs=${2:-30} want=${3:-} code i
	for ((i = 0; i < secs * 5; i++)); do
		code=$(curl -s -o /dev/null -m 5 -w '%{http_code}' "$url") || true
		if [ "$code" != 000 ] && [ -n "$code" ] &&
			{ [ -z "$want" ] || [ "$code" = "$want" ]; }; then
			return 0
		fi
		sleep 0.2
	done
	stack_fail "$url did not answer ${want:-at all} in ${secs}s (last: $code)"
}

# ensure_key FILE WHAT: create FILE with a new random 32-byte key (64 hex
# digits), mode 0600, unless it exists.
ensure_key() {
	[ -s "$1" ] && return 0
	mkdir -p "$(dirname "$1")"
	if ! (umask 077 && od -An -tx1 -N32 /dev/urandom | tr -d ' \n' \
		>"$1.tmp" && echo >>"$1.tmp" && mv "$1.tmp" "$1"); then
		stack_fail "cannot write the $2 $1"
		return 1
	fi
	stack_say "created a new $2 in $1 (back it up)"
}

# ensure_attachment_key FILE: the attachment key, which encrypts every
# stored file: losing it loses them all.
ensure_attachment_key() {
	ensure_key "$1" "attachment key"
}

# ensure_mail_token_key FILE: the key of the reply addresses' MACs
# (tix-notify and tix-mailin): losing it sends replies to earlier
# notices to review.
ensure_mail_token_key() {
	ensure_key "$1" "mail token key"
}

# ---------------------------------------------------------------- nginx

# render_nginx TEMPLATE OUT: envsubst the template with the TIX_* values
# of TIX_NGINX_VARS, which must all be set.
render_nginx() {
	local v
	for v in $TIX_NGINX_VARS; do
		v=${v#\$\{}
		v=${v%\}}
		[ -n "${!v:-}" ] || stack_fail "render_nginx: $v is not set" ||
			return 1
		export "${v?}"
	done
	envsubst "$TIX_NGINX_VARS" <"$1" >"$2.tmp"
	if grep -n '\${TIX_' "$2.tmp" >&2; then
		stack_fail "$2: placeholders left unrendered"
		return 1
	fi
	mv "$2.tmp" "$2"
}

# nginx_user_directive HTML_DIR STATE_DIR SOCKET_DIR: print the `user`
# directive nginx needs when started as root ("" otherwise).  nginx's own
# workers run as nobody:nogroup and reach the worker sockets through the
# socket directory's group; only when that user cannot read HTML_DIR or
# reach STATE_DIR and SOCKET_DIR (a checkout under a private home, say) do
# they run as root instead.
nginx_user_directive() {
	is_root || return 0
	local group
	group=$(id -gn nobody)
	# shellcheck disable=SC2016 # expanded by the inner sh
	if runuser -u nobody -- sh -c \
		'test -r "$1" && test -x "$1" && test -x "$2" && test -x "$3"' \
		sh "$1" "$2" "$3" 2>/dev/null; then
		printf 'user nobody %s;' "$group"
	else
		stack_say "nobody cannot reach $1 or $2: nginx workers run as root"
		printf 'user root root;'
	fi
}

# prepare_socket_dir DIR: the directory of the worker sockets.  As root it
# belongs to nginx's worker group, setgid so the sockets inherit that
# group, and is closed to everyone else; otherwise it is private.
prepare_socket_dir() {
	mkdir -p "$1"
	if is_root; then
		chown "root:$(id -gn nobody)" "$1"
		chmod 2750 "$1"
	else
		chmod 0700 "$1"
	fi
}

# start_nginx CONF PREFIX LOGDIR PIDFILE: check CONF, then run nginx in the
# foreground (daemon off) in the background of this script.  As root the
# `user` directive from nginx_user_directive must be in TIX_NGINX_USER.
start_nginx() {
	local conf=$1 prefix=$2 logdir=$3 pidfile=$4
	local g="daemon off; ${TIX_NGINX_USER:-}"
	if ! nginx -p "$prefix" -c "$conf" -g "$g" -e "$logdir/error.log" \
		-t -q; then
		stack_fail "nginx rejects $conf"
		return 1
	fi
	start_bg nginx "$pidfile" "$logdir/nginx.stderr" \
		nginx -p "$prefix" -c "$conf" -g "$g" -e "$logdir/error.log"
}

# ----------------------------------------------------------- PostgreSQL

# pg_bindir: the bin directory of the newest installed PostgreSQL.
pg_bindir() {
	local d
	d=$(printf "%s\n" /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
	[ -x "$d/pg_ctl" ] || stack_fail "no PostgreSQL server installed" ||
		return 1
	printf '%s\n' "$d"
}

# _pg_as CMD...: run CMD as the cluster's owner: postgres when we are
# root (PostgreSQL refuses to run as root), else ourselves.
_pg_as() {
	if is_root; then
		# From /, which postgres can enter whatever our directory is.
		(cd / && runuser -u postgres -- "$@")
	else
		"$@"
	fi
}

# pq_quote VALUE: VALUE quoted for a libpq keyword/value connection string
# (only when it needs quoting).
pq_quote() {
	case $1 in
	'' | *[\ \'\\]*)
		local v=${1//\\/\\\\}
		printf "'%s'" "${v//\'/\\\'}"
		;;
	*) printf '%s' "$1" ;;
	esac
}

# sh_quote VALUE: VALUE in single quotes for sh.
sh_quote() {
	printf "'%s'" "${1//\'/\'\\\'\'}"
}

# pg_conninfo DB USER: a libpq connection string to the running cluster
# through its unix socket.
pg_conninfo() {
	printf 'host=%s port=%s dbname=%s user=%s' "$(pq_quote "$PG_SOCK")" \
		"$PG_PORT" "$1" "$2"
}

# pg_prepare_area AREA: settle where the cluster AREA lives and stop a
# cluster left running there by an earlier run.  AREA holds data/ (PGDATA),
# sock/ (the unix socket, closed to other users), postgresql.log,
# superuser.password (for TCP) and the helper scripts start.sh and stop.sh.
# As root, AREA belongs to postgres; when postgres cannot reach it (a
# checkout under a private home), a directory under /tmp named after AREA
# is used instead.  Sets PG_BIN PG_AREA PG_DATA PG_SOCK PG_LOG.
pg_prepare_area() {
	local area=$1
	PG_BIN=$(pg_bindir)
	mkdir -p "$area"
	area=$(cd "$area" && pwd -P)
	if is_root; then
		chown postgres:postgres "$area"
		chmod 0700 "$area"
		if ! runuser -u postgres -- test -w "$area/." 2>/dev/null; then
			local alt
			alt=/tmp/tix-pg-$(printf '%s' "$area" | cksum | cut -d' ' -f1)
			[ "${_TIX_PG_ALT:-}" = "$alt" ] ||
				stack_say "postgres cannot reach $area; using $alt"
			_TIX_PG_ALT=$alt
			mkdir -p "$alt"
			chown postgres:postgres "$alt"
			chmod 0700 "$alt"
			area=$alt
		fi
	fi
	PG_AREA=$area
	PG_DATA=$area/data
	PG_SOCK=$area/sock
	PG_LOG=$area/postgresql.log
	if [ -s "$PG_DATA/PG_VERSION" ] &&
		_pg_as "$PG_BIN/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; then
		stack_say "stopping the cluster left running in $PG_DATA"
		_pg_as "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w -t 60 stop \
			>/dev/null
	fi
}

# pg_start AREA PORT: start the private cluster in AREA (see
# pg_prepare_area), creating it on first use.  It listens on
# 127.0.0.1:PORT and on its unix socket; socket connections are trusted
# (the directory is private), TCP ones need a password.  Durable: fsync
# and synchronous_commit on.  Sets PG_PORT and what pg_prepare_area sets.
pg_start() {
	pg_prepare_area "$1" || return 1
	PG_PORT=$2
	if [ ! -s "$PG_DATA/PG_VERSION" ]; then
		_pg_initdb || return 1
	fi
	local have want
	have=$(cat "$PG_DATA/PG_VERSION")
	want=$(basename "$(dirname "$PG_BIN")")
	[ "$have" = "$want" ] ||
		stack_fail "$PG_DATA is PostgreSQL $have; installed: $want" ||
		return 1
	mkdir -p "$PG_SOCK"
	chmod 0700 "$PG_SOCK"
	_pg_write_conf
	if is_root; then
		chown postgres:postgres "$PG_SOCK" "$PG_DATA/tix.conf"
	fi
	_pg_write_helpers
	if ! sh "$PG_AREA/start.sh" >/dev/null; then
		_log_tail "$PG_LOG"
		stack_fail "PostgreSQL did not start (log: $PG_LOG)"
		return 1
	fi
}

_pg_initdb() {
	stack_say "creating a PostgreSQL cluster in $PG_DATA"
	rm -rf "$PG_DATA"
	local pw=$PG_AREA/superuser.password
	(umask 077 && python3 -c 'import secrets; print(secrets.token_urlsafe(24))' >"$pw")
	is_root && chown postgres:postgres "$pw"
	if ! _pg_as "$PG_BIN/initdb" -D "$PG_DATA" -U postgres \
		--auth-local=trust --auth-host=scram-sha-256 --pwfile="$pw" \
		--encoding=UTF8 --locale=C.UTF-8 >"$PG_AREA/initdb.log" 2>&1; then
		cat "$PG_AREA/initdb.log" >&2
		stack_fail "initdb failed"
		return 1
	fi
	printf "\ninclude_if_exists = 'tix.conf'\n" >>"$PG_DATA/postgresql.conf"
}

# The settings that matter, rewritten at every start (the port may change).
_pg_write_conf() {
	local sock=${PG_SOCK//\'/\'\'}
	cat >"$PG_DATA/tix.conf" <<EOF
# Written by scripts/lib/stack.sh at every start; edits are lost.
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$sock'
unix_socket_permissions = 0700
fsync = on
synchronous_commit = on
full_page_writes = on
timezone = 'UTC'
log_timezone = 'UTC'
logging_collector = off
log_line_prefix = '%m [%p] %q%u@%d '
EOF
}

# start.sh and stop.sh: the exact commands, for tests that stop and start
# the database under the running workers (TIX_TEST_PG_STOP/START).
_pg_write_helpers() {
	local as=''
	is_root && as='runuser -u postgres --'
	q() { sh_quote "$1"; }
	cat >"$PG_AREA/start.sh" <<EOF
#!/bin/sh
# Start the cluster in a session of its own; wait until it accepts.
cd /
exec setsid -w $as $(q "$PG_BIN/pg_ctl") -D $(q "$PG_DATA") -l $(q "$PG_LOG") -w -t 60 start
EOF
	cat >"$PG_AREA/stop.sh" <<EOF
#!/bin/sh
# Stop the cluster (fast: roll back open transactions); wait until down.
cd /
exec $as $(q "$PG_BIN/pg_ctl") -D $(q "$PG_DATA") -m fast -w -t 60 stop
EOF
	chmod 0755 "$PG_AREA/start.sh" "$PG_AREA/stop.sh"
}

# pg_stop: stop the cluster pg_start started, if it runs.
pg_stop() {
	[ -n "${PG_DATA:-}" ] && [ -d "${PG_DATA:-}" ] || return 0
	if _pg_as "$PG_BIN/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; then
		_pg_as "$PG_BIN/pg_ctl" -D "$PG_DATA" -m fast -w -t 60 stop \
			>/dev/null || stack_fail "pg_ctl stop failed"
	fi
}

# pg_psql DB ARGS...: psql as the superuser through the socket.
pg_psql() {
	local db=$1
	shift
	"$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -d "$(pg_conninfo "$db" postgres)" "$@"
}

# pg_ensure_db ROLE DB: create the login role ROLE and the database DB it
# owns, unless they exist.  ROLE and DB are plain identifiers.
pg_ensure_db() {
	local role=$1 db=$2
	case $role$db in *[!a-z0-9_]*) stack_fail "bad name: $role $db"; return 1 ;; esac
	pg_psql postgres <<EOF
SELECT 'CREATE ROLE $role LOGIN' WHERE NOT EXISTS
    (SELECT FROM pg_roles WHERE rolname = '$role')\gexec
SELECT 'CREATE DATABASE $db OWNER $role' WHERE NOT EXISTS
    (SELECT FROM pg_database WHERE datname = '$db')\gexec
EOF
}

# ---------------------------------------------------------------- stack

# stack_up BUILD STATE PG_AREA PG_PORT HTTP_PORT WORKERS: the whole stack.
# BUILD holds tix-admin, tix-auth, tix-tickets and tix-files; STATE gets
# run/ (worker
# sockets, pid files), log/ (every log but PostgreSQL's, which stays in
# PG_AREA) and nginx/ (its config, pid and temp files).  Starts PostgreSQL
# (database and role "tix"), migrates, starts the workers with WORKERS
# processes each (as root: as TIX_RUN_USER, see prepare_run_user) and
# nginx on 127.0.0.1:HTTP_PORT, and waits until
# /api/health answers 200.  Exports TIX_DATABASE_URL, TIX_SQL_DIR and the
# workers' settings (defaults unless set).  TIX_ATTACHMENT_KEY_FILE names
# the attachment key; unset, a new one is made in STATE/attachment.key.
stack_up() {
	local build=$1 state=$2 pgarea=$3 pgport=$4 port=$5 n=$6
	local root
	root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
	mkdir -p "$state" "$state/log" "$state/nginx"
	chmod 0711 "$state" "$state/nginx"
	chmod 0750 "$state/log"
	prepare_socket_dir "$state/run"

	pg_start "$pgarea" "$pgport" || return 1
	pg_ensure_db tix tix || return 1
	TIX_DATABASE_URL=$(pg_conninfo tix tix)
	export TIX_DATABASE_URL
	export TIX_SQL_DIR=${TIX_SQL_DIR:-$root/sql}
	export TIX_SESSION_IDLE_MINUTES=${TIX_SESSION_IDLE_MINUTES:-480}
	export TIX_LOGIN_MAX_PER_EMAIL=${TIX_LOGIN_MAX_PER_EMAIL:-5}
	export TIX_LOGIN_MAX_PER_ADDRESS=${TIX_LOGIN_MAX_PER_ADDRESS:-30}
	# The API tests send through 127.0.0.9 as a proxy (test_auth.py).
	export TIX_TRUSTED_PROXIES=${TIX_TRUSTED_PROXIES-127.0.0.9}
	export TIX_LOGIN_WINDOW_MINUTES=${TIX_LOGIN_WINDOW_MINUTES:-15}
	if ! "$build/tix-admin" migrate >>"$state/log/migrate.log" 2>&1; then
		_log_tail "$state/log/migrate.log"
		stack_fail "tix-admin migrate failed"
		return 1
	fi

	local w
	export TIX_ATTACHMENT_KEY_FILE=${TIX_ATTACHMENT_KEY_FILE:-$state/attachment.key}
	ensure_attachment_key "$TIX_ATTACHMENT_KEY_FILE" || return 1
	# The workers' shared request counters (GET /api/metrics); only the
	# workers' user reads them.
	export TIX_METRICS_DIR=${TIX_METRICS_DIR:-$state/metrics}
	mkdir -p "$TIX_METRICS_DIR"
	chmod 0700 "$TIX_METRICS_DIR"
	export TIX_TOTP_KEY_FILE=${TIX_TOTP_KEY_FILE:-$state/totp.key}
	ensure_key "$TIX_TOTP_KEY_FILE" "two-factor key" || return 1
	prepare_run_user "$state" "$build" || return 1
	for w in auth tickets files; do
		start_worker "tix-$w" "$build/tix-$w" "unix:$state/run/$w.sock" \
			"$n" "$state/log/tix-$w.log" "$state/run/tix-$w.pid" ||
			return 1
	done

	export TIX_HTTP_ADDR=127.0.0.1
	export TIX_HTTP_PORT=$port
	export TIX_HTML_DIR=${TIX_HTML_DIR:-$root/html}
	export TIX_STATE_DIR=$state/nginx
	export TIX_LOG_DIR=$state/log
	export TIX_AUTH_UPSTREAM=unix:$state/run/auth.sock
	export TIX_TICKETS_UPSTREAM=unix:$state/run/tickets.sock
	export TIX_FILES_UPSTREAM=unix:$state/run/files.sock
	export TIX_LOGIN_MAX_CONCURRENT=${TIX_LOGIN_MAX_CONCURRENT:-8}
	export TIX_TICKET_RATE=${TIX_TICKET_RATE:-10}
	render_nginx "$root/nginx/tix.conf.template" "$state/nginx/nginx.conf" ||
		return 1
	TIX_NGINX_USER=$(nginx_user_directive "$TIX_HTML_DIR" \
		"$state/nginx" "$state/run")
	start_nginx "$state/nginx/nginx.conf" "$state/nginx/" "$state/log" \
		"$state/run/nginx.pid" || return 1
	if ! wait_for_http "http://127.0.0.1:$port/api/health" 30 200; then
		_log_tail "$state/log/tix-tickets.log" "$state/log/error.log"
		return 1
	fi
}

# stack_stop_stale STATE: stop what an earlier run that died without
# cleaning up left behind in STATE (nginx and the workers; PostgreSQL is
# handled by pg_prepare_area).
stack_stop_stale() {
	stop_pidfile "$1/run/nginx.pid" nginx
	stop_pidfile "$1/run/tix-auth.pid" tix-auth
	stop_pidfile "$1/run/tix-tickets.pid" tix-tickets
	stop_pidfile "$1/run/tix-files.pid" tix-files
}
