#!/bin/sh
# Run once by the postgres image when its data volume is empty: the
# application's own role and database.  The role owns its database (and
# so may migrate it) but is not a superuser.
set -eu
: "${TIX_DB_PASSWORD:?TIX_DB_PASSWORD is not set}"
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
	-v pw="$TIX_DB_PASSWORD" <<'SQL'
CREATE ROLE tix LOGIN PASSWORD :'pw';
CREATE DATABASE tix OWNER tix ENCODING 'UTF8' TEMPLATE template0;
SQL
