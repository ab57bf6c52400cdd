#!/usr/bin/env bash
#
# pitr.sh BUILD_DIR: point-in-time recovery as docs/backup.md has it, on
# a cluster of its own: WAL archiving to a directory (archive_command), a
# base backup with pg_basebackup, a ticket deleted by mistake, recovery
# of the base backup to a time before the delete (restore_command,
# recovery_target_time), and the ticket is back while the delete is not.
set -euo pipefail

build=$(cd "${1:?usage: pitr.sh BUILD_DIR}" && pwd -P)
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
# shellcheck source=../../scripts/lib/stack.sh
. "$root/scripts/lib/stack.sh"

PG_BIN=$(pg_bindir)
work=$(mktemp -d /tmp/tix-pitr.XXXXXX)
chmod 0755 "$work"
mkdir -p "$work/archive" "$work/sock"
is_root && chown -R postgres:postgres "$work"
port=$(free_port)
port2=$(free_port)

pg() { _pg_as "$PG_BIN/$@"; }
cleanup() {
	local d
	for d in primary restored; do
		[ -f "$work/$d/postmaster.pid" ] &&
			pg pg_ctl -D "$work/$d" -m immediate -w stop >/dev/null 2>&1
	done
	rm -rf "$work"
}
trap cleanup EXIT

sql() { # PORT SQL: one value
	"$PG_BIN/psql" -X -q -At -v ON_ERROR_STOP=1 \
		-d "host=$work/sock port=$1 dbname=tix user=postgres" -c "$2"
}

# 1. The primary archives every WAL segment into archive/.
pg initdb -D "$work/primary" -U postgres --auth=trust --encoding=UTF8 \
	--locale=C.UTF-8 >/dev/null
cat >>"$work/primary/postgresql.conf" <<EOF
listen_addresses = ''
port = $port
unix_socket_directories = '$work/sock'
wal_level = replica
archive_mode = on
archive_command = 'test ! -f $work/archive/%f && cp %p $work/archive/%f'
timezone = 'UTC'
# Durability is not what this test is about; speed is welcome.
fsync = off
EOF
pg pg_ctl -D "$work/primary" -l "$work/primary.log" -w start >/dev/null
"$PG_BIN/createdb" -h "$work/sock" -p "$port" -U postgres tix
export TIX_DATABASE_URL="host=$work/sock port=$port dbname=tix user=postgres"
export TIX_SQL_DIR=$root/sql
"$build/tix-admin" migrate >/dev/null
printf 'long-enough-pw\n' | "$build/tix-admin" user add --email pitr@example.com \
	--name Pitr --role customer --account PITR >/dev/null

# 2. The base backup (its WAL streamed along).
pg pg_basebackup -h "$work/sock" -p "$port" -U postgres -D "$work/base" \
	--checkpoint=fast >/dev/null

# 3. A ticket after the base backup, the time, then the mistake.
number=$(sql "$port" "INSERT INTO tickets (account_id, requester_id,
	subject, description, category, first_response_due_at)
	SELECT account_id, id, 'Printer on fire', 'Smoke', 'general',
	now() + interval '1 day' FROM users WHERE email = 'pitr@example.com'
	RETURNING number")
sleep 1
target=$(sql "$port" "SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC',
	'YYYY-MM-DD HH24:MI:SS.US') || '+00'")
sleep 1
sql "$port" "DELETE FROM tickets WHERE number = $number" >/dev/null
[ "$(sql "$port" "SELECT count(*) FROM tickets")" = 0 ]
# The segment with the delete goes to the archive too.
segment=$(sql "$port" "SELECT pg_walfile_name(pg_switch_wal())")
for ((i = 0; i < 100; i++)); do
	[ -f "$work/archive/$segment" ] && break
	sleep 0.1
done
[ -f "$work/archive/$segment" ] || { echo "FAIL: $segment not archived"; exit 1; }
pg pg_ctl -D "$work/primary" -m fast -w stop >/dev/null

# 4. Recovery: the base backup, archived WAL replayed up to the target.
_pg_as cp -a "$work/base" "$work/restored"
_pg_as tee -a "$work/restored/postgresql.conf" >/dev/null <<EOF
port = $port2
restore_command = 'cp $work/archive/%f %p'
recovery_target_time = '$target'
recovery_target_action = 'promote'
EOF
_pg_as touch "$work/restored/recovery.signal"
pg pg_ctl -D "$work/restored" -l "$work/restored.log" -w start >/dev/null
for ((i = 0; i < 200; i++)); do
	[ "$(sql "$port2" "SELECT pg_is_in_recovery()" 2>/dev/null)" = f ] && break
	sleep 0.1
done
[ "$(sql "$port2" "SELECT pg_is_in_recovery()")" = f ] ||
	{ echo "FAIL: still in recovery"; cat "$work/restored.log"; exit 1; }

# 5. The ticket is back, and the database takes writes again.
got=$(sql "$port2" "SELECT subject FROM tickets WHERE number = $number")
if [ "$got" != "Printer on fire" ]; then
	echo "FAIL: TICK-$number not recovered (got '$got')"
	cat "$work/restored.log"
	exit 1
fi
grep -q "recovery stopping before commit" "$work/restored.log" ||
	{ echo "FAIL: recovery did not stop at the target"; exit 1; }
sql "$port2" "UPDATE tickets SET subject = 'Printer was on fire' WHERE number = $number" >/dev/null
echo "ok    TICK-$number recovered to $target from the WAL archive"
