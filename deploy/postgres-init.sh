#!/bin/sh
# Run once by the postgres image when its data volume is empty: the
# application's own role and database.  The role owns its database (and
# so may migrate it) but is not a superuser.
#
# Its password comes from the pgpass file the Tix services read
# (TIX_DB_PGPASS_FILE, one line *:*:*:tix:PASSWORD), never from the
# environment: the first line's fifth field, with pgpass's escapes
# (\: and \\) undone.
set -eu
f=${TIX_DB_PGPASS_FILE:?TIX_DB_PGPASS_FILE is not set}
line=$(head -n 1 "$f")
# Four fields, each of plain characters and escaped pairs, and their ":".
pw=$(printf '%s\n' "$line" |
	sed -e 's/^\(\([^:\\]\|\\.\)*:\)\{4\}//' -e 't unescape' -e 'd' \
		-e ':unescape' -e 's/\\\(.\)/\1/g')
user=$(printf '%s\n' "$line" | sed -e 's/^\(\([^:\\]\|\\.\)*:\)\{3\}\(\([^:\\]\|\\.\)*\):.*/\3/')
if [ -z "$pw" ] || { [ "$user" != tix ] && [ "$user" != '*' ]; }; then
	echo "$f: the first line must be *:*:*:tix:PASSWORD (a pgpass line for tix)" >&2
	exit 1
fi
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
	-v pw="$pw" <<'SQL'
CREATE ROLE tix LOGIN PASSWORD :'pw';
CREATE DATABASE tix OWNER tix ENCODING 'UTF8' TEMPLATE template0;
SQL
