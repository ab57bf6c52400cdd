#!/usr/bin/env bash
#
# image.sh BUILD_DIR: the compose stack run from the image's contents,
# for machines without a container engine.
#
#  1. The Dockerfile's runtime stage is carried out into a directory
#     (tests/deploy/image.py): the tix user and group (uid 10001), the
#     directories it installs, sql/ and html/ in /usr/share/tix, and the
#     binaries in /usr/local/bin.  The binaries are BUILD_DIR's, not a
#     second build with the build stage's RelWithDebInfo: that build is
#     the same cmake over the same sources and would take minutes on the
#     CI's two cores, while what is tested here is the image's files,
#     user and settings.  Its apt packages must be installed on this
#     Debian 12 machine, and /usr is this machine's (read-only): every
#     shared library the binaries load must come from one of those
#     packages or their dependencies.
#  2. Each service of `docker-compose --profile imap config` runs in a
#     sandbox of its own (bubblewrap): that directory as a read-only
#     root, the compose file's volumes (named ones as directories of this
#     test, first filled from the image like Docker does), its tmpfs
#     mounts and secrets and nothing else writable; its own PID namespace
#     with the command as PID 1; its environment (the image's ENV, then
#     the compose file's); as the image's USER or the service's user:,
#     never root; in a network namespace of its own on one bridge, with
#     the service's fixed address and an /etc/hosts naming the services
#     (Docker's DNS does that).  nginx runs Debian's nginx binary in a
#     directory laid out like the nginx image's, through an entrypoint
#     that renders /etc/nginx/templates the way the image's does.
#  3. PostgreSQL is this machine's (Debian's postgresql-15, started the
#     way scripts/lib/stack.sh starts it), not the postgres:15 image, on
#     the bridge's address under the name "postgres", initialised by the
#     compose file's deploy/postgres-init.sh, as the user postgres, from
#     a copy of the pgpass secret as the postgres service's entrypoint
#     makes it.  The Tix services get no password in their environment
#     (none of the compose file's holds the test's), only the pgpass
#     secret; libpq must find it (mode 0400, the image's user) and must
#     ignore it when it is group-readable.
#  4. The one-shot migrate must exit 0; then each service's healthcheck,
#     run inside its sandbox as compose declares it, must pass, and each
#     process of every service must run as its non-root user.
#  5. Through nginx: a customer (added with tix-admin in the migrate
#     service's sandbox) logs in, creates a ticket and reads it back.
#
# Fails when a service needs to write outside its volumes and tmpfs, runs
# as root, or a healthcheck fails.  Needs root (namespaces, mounts).
set -euo pipefail

build=$(cd "${1:?usage: image.sh BUILD_DIR}" && pwd -P)
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
cd "$root"
# shellcheck source=../../scripts/lib/stack.sh
. "$root/scripts/lib/stack.sh"
# Debian's python3, with the yaml module docker-compose itself uses.
py=/usr/bin/python3

is_root || { echo "image.sh: needs root (namespaces and mounts)" >&2; exit 1; }

# Everything below runs in a network and mount namespace of its own, so
# the services' addresses and the ports (5432, 8080) are private to it.
if [ -z "${TIX_IMAGE_TEST_NS:-}" ]; then
	ensure_packages bubblewrap iproute2 util-linux
	exec env TIX_IMAGE_TEST_NS=1 unshare --net --mount --propagation private \
		-- "$0" "$@"
fi

fails=0
passes=0
ok() { passes=$((passes + 1)); printf 'ok    %s\n' "$*"; }
bad() { fails=$((fails + 1)); printf 'FAIL  %s\n' "$*"; }
fatal() {
	bad "$*"
	exit 1
}

tmp=$(mktemp -d /tmp/tix-image.XXXXXX)
chmod 0711 "$tmp"
holders=()
on_exit() {
	local rc=$? pid
	trap - EXIT INT TERM
	if [ "$rc" -ne 0 ] || [ "$fails" -ne 0 ]; then
		declare -F net_report >/dev/null && net_report
	fi
	# PID 1 of each container: when it ends, the kernel ends the rest of
	# its PID namespace (bubblewrap's --die-with-parent does not survive
	# the change of user).
	local -a ones=()
	for f in "$tmp"/svc/*.info; do
		[ -s "$f" ] || continue
		# A one-shot's PID 1 has ended (and its number may be reused).
		grep -qx 'oneshot=1' "${f%.info}.meta" 2>/dev/null && continue
		pid=$("$py" -c 'import json, sys; print(json.load(open(sys.argv[1]))["child-pid"])' "$f" 2>/dev/null) ||
			continue
		ones+=("$pid")
		kill -TERM "$pid" 2>/dev/null || true
	done
	for pid in ${ones[@]+"${ones[@]}"} ${sandboxes[@]+"${sandboxes[@]}"}; do
		for _ in $(seq 50); do pid_alive "$pid" || break; sleep 0.1; done
		kill -KILL "$pid" 2>/dev/null || true
	done
	for pid in ${holders[@]+"${holders[@]}"}; do
		kill -KILL "$pid" 2>/dev/null || true
	done
	stop_all
	umount "$tmp/image.usr" "$tmp/nginx-image.usr" 2>/dev/null || true
	if [ "$rc" -ne 0 ] || [ "$fails" -ne 0 ]; then
		TIX_LOG_LINES=20 _log_tail "$tmp"/log/*.log "${PG_LOG:-/nonexistent}"
	fi
	rm -rf "${PG_AREA:-$tmp/pg}/data" "$tmp"
	echo "$passes passed, $fails failed"
	[ "$fails" -eq 0 ] && exit "$rc"
	exit 1
}
sandboxes=()
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
mkdir -p "$tmp/log" "$tmp/svc" "$tmp/volumes" "$tmp/keys"

# ------------------------------------------------------------- 1. image
img=$tmp/image
mkdir -p "$img"/{etc,dev,proc,sys,tmp,run,var/cache}
chmod 1777 "$img/tmp"
# debian:12-slim's merged /usr, and the files of its /etc the binaries
# and the packages read.
for d in bin sbin lib lib64; do ln -s "usr/$d" "$img/$d"; done
mkdir -p "$img/usr"
printf 'root:x:0:0:root:/root:/bin/bash\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n' >"$img/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$img/etc/group"
cp -a /etc/ld.so.cache /etc/nsswitch.conf /etc/alternatives /etc/ssl \
	"$img/etc/"
[ -d /etc/postgresql-common ] && cp -a /etc/postgresql-common "$img/etc/"
cp -a /var/cache/cracklib "$img/var/cache/"
if ! "$py" tests/deploy/image.py image "$root" "$build" "$img" >"$tmp/image.out"; then
	fatal "Dockerfile: the runtime stage cannot be carried out"
fi
read -r -a pkgs < <(sed -n 's/^packages //p' "$tmp/image.out")
read -r tix_uid tix_gid < <(sed -n 's/^user //p' "$tmp/image.out")
ok "Dockerfile: runtime stage into $img (user $tix_uid:$tix_gid, ${#pkgs[@]} packages)"
[ "$tix_uid" -ne 0 ] && [ "$tix_gid" -ne 0 ] ||
	fatal "Dockerfile: the image runs as root ($tix_uid:$tix_gid)"

missing=()
for p in "${pkgs[@]}"; do
	st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null) || st=
	[ "$st" = installed ] || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] ||
	fatal "Dockerfile: runtime packages not installed here: ${missing[*]}"
ok "Dockerfile: its ${#pkgs[@]} runtime packages are installed"
# The libraries the binaries load, and the packages they come from.
apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts \
	--no-breaks --no-replaces --no-enhances "${pkgs[@]}" 2>/dev/null |
	sed -n 's/^\([a-z0-9][^ :]*\).*/\1/p; s/^ *\(Pre\)\{0,1\}Depends: \([^ <:]*\).*/\2/p' |
	sort -u >"$tmp/closure"
# debian:12-slim's own packages (Essential: yes) are in every image.
dpkg-query -W -f='${Package} ${Essential}\n' | awk '$2 == "yes" { print $1 }' \
	>>"$tmp/closure"
# The sanitizers' runtimes come with a sanitizer build (TIX_SANITIZE),
# never with the image's.
for bin in "$img"/usr/local/bin/tix-*; do ldd "$bin"; done |
	awk '/=> \// { print $3 }' | sort -u | xargs -r readlink -f |
	grep -v -E '/lib(a|ub|l|t)san\.so' >"$tmp/libs"
nlibs=$(wc -l <"$tmp/libs")
# dpkg -S names the package of each (dpkg knows the files of a merged
# /usr by their /lib path).
while read -r lib; do printf '%s\n%s\n' "$lib" "${lib#/usr}"; done \
	<"$tmp/libs" >"$tmp/lib-paths"
# shellcheck disable=SC2046 # one path a word
dpkg -S $(cat "$tmp/lib-paths") >"$tmp/lib-owners" 2>/dev/null || true
nbad=0
while read -r lib; do
	pkg=$(grep -F -e ": $lib" -e ": ${lib#/usr}" "$tmp/lib-owners" |
		awk -F': ' -v a="$lib" -v b="${lib#/usr}" '$2 == a || $2 == b { print $1; exit }')
	pkg=${pkg%%,*}
	pkg=${pkg%%:*}
	if [ -z "$pkg" ] || ! grep -qx -e "$pkg" "$tmp/closure"; then
		bad "Dockerfile: $lib (${pkg:-no package}) is not in the runtime stage's packages"
		nbad=$((nbad + 1))
	fi
done <"$tmp/libs"
[ "$nbad" -eq 0 ] &&
	ok "Dockerfile: the $nlibs libraries of the binaries come with those packages"

# The nginx image: its user (101), an entrypoint that renders the
# templates like its 20-envsubst-on-templates.sh, logs to the container's
# output.
ngx=$tmp/nginx-image
mkdir -p "$ngx"/{etc/nginx,dev,proc,sys,tmp,run,var/cache/nginx,var/log/nginx}
chmod 1777 "$ngx/tmp"
for d in bin sbin lib lib64; do ln -s "usr/$d" "$ngx/$d"; done
mkdir -p "$ngx/usr"
cp -a /etc/ld.so.cache /etc/nsswitch.conf /etc/alternatives "$ngx/etc/"
printf 'root:x:0:0:root:/root:/bin/bash\nnginx:x:101:101:nginx:/nonexistent:/bin/false\n' >"$ngx/etc/passwd"
printf 'root:x:0:\nnginx:x:101:\n' >"$ngx/etc/group"
ln -s /dev/stdout "$ngx/var/log/nginx/access.log"
ln -s /dev/stderr "$ngx/var/log/nginx/error.log"
cat >"$ngx/docker-entrypoint.sh" <<'EOF'
#!/bin/sh
# The nginx image's entrypoint, for its templates: when the command is
# nginx, each /etc/nginx/templates/*.template is rendered with envsubst
# (only the variables matching NGINX_ENVSUBST_FILTER) into
# NGINX_ENVSUBST_OUTPUT_DIR; an output directory it cannot write is an
# error in the log, and nginx starts anyway.
set -e
if [ "$1" = nginx ]; then
	dir=/etc/nginx/templates
	out=${NGINX_ENVSUBST_OUTPUT_DIR:-/etc/nginx/conf.d}
	filter=${NGINX_ENVSUBST_FILTER:-}
	defined_envs=$(printf '${%s} ' $(awk "END { for (name in ENVIRON) { print ( name ~ /${filter}/ ) ? name : \"\" } }" </dev/null))
	if [ -d "$dir" ]; then
		if [ ! -w "$out" ]; then
			echo "$0: ERROR: $dir exists, but $out is not writable" >&2
		else
			for t in "$dir"/*.template; do
				envsubst "$defined_envs" <"$t" >"$out/$(basename "$t" .template)"
			done
		fi
	fi
fi
exec "$@"
EOF
chmod 0755 "$ngx/docker-entrypoint.sh"

# ------------------------------------------------------- 2. the services
# Keys and passwords as the compose file's secrets name them.
ensure_attachment_key "$tmp/keys/attachment.key" 2>/dev/null
ensure_key "$tmp/keys/totp.key" "two-factor key" 2>/dev/null
ensure_mail_token_key "$tmp/keys/mail-token.key" 2>/dev/null
printf 'imap-secret\n' >"$tmp/keys/imap-password"
# The role tix's password, as the pgpass line docs/deploy.md shows; a ':'
# and a '\' in it, escaped, as pgpass wants them.
db_password=$("$py" -c 'import secrets; print(secrets.token_hex(16))')
printf '*:*:*:tix:%s\\:%s\\\\x\n' "${db_password:0:16}" "${db_password:16}" \
	>"$tmp/keys/db.pgpass"
db_password="${db_password:0:16}:${db_password:16}\\x"
# The image's user reads them (docs/deploy.md: mode 0400, owned by 10001).
chown "$tix_uid:$tix_gid" "$tmp/keys"/*
chmod 0400 "$tmp/keys"/*
# Read as root by the postgres image (not run here: PostgreSQL is this
# machine's).
su_password=$("$py" -c 'import secrets; print(secrets.token_hex(16))')
printf '%s\n' "$su_password" >"$tmp/keys/postgres-password"
chmod 0400 "$tmp/keys/postgres-password"
http_subnet_prefix=172.30.57
export TIX_POSTGRES_PASSWORD=$tmp/keys/postgres-password
export TIX_DB_PGPASS=$tmp/keys/db.pgpass
# The variables that held the passwords before they were secrets, as an
# older .env still has them: none of it may reach a service.
export TIX_DB_PASSWORD=$db_password POSTGRES_PASSWORD=$su_password
export TIX_ATTACHMENT_KEY=$tmp/keys/attachment.key
export TIX_TOTP_KEY=$tmp/keys/totp.key
export TIX_MAIL_TOKEN_KEY=$tmp/keys/mail-token.key
export TIX_IMAP_PASSWORD=$tmp/keys/imap-password
# Nothing answers there: tix-notify and tix-mailin must keep running (and
# healthy) through a server that is down.
export TIX_SMTP_URL=smtp://$http_subnet_prefix.1:2525
export TIX_IMAP_URL=imap://$http_subnet_prefix.1:1143/INBOX
export TIX_WORKERS=2
docker-compose -f docker-compose.yml --profile imap config >"$tmp/compose.yml" ||
	fatal "docker-compose config"
"$py" tests/deploy/image.py services "$tmp/compose.yml" "$img" "$ngx" \
	"$tmp/svc" >"$tmp/names" || fatal "docker-compose.yml: services"
mapfile -t names <"$tmp/names"
# No service's environment holds either password (docker-compose would
# show it to anyone allowed `docker inspect`).
leaks=$(grep -l -F -e "$db_password" -e "${db_password%%:*}" -e "$su_password" \
	"$tmp"/svc/*.env 2>/dev/null || true)
if [ -z "$leaks" ]; then
	ok "docker-compose.yml: no service's environment holds a database password"
else
	bad "docker-compose.yml: a database password in the environment of $(basename -s .env $leaks | tr '\n' ' ')"
fi
subnet=$("$py" -c 'import sys, yaml; print(yaml.safe_load(open(sys.argv[1]))["networks"]["backend"]["ipam"]["config"][0]["subnet"])' "$tmp/compose.yml")
[ "${subnet%.0/24}" = "$http_subnet_prefix" ] ||
	fatal "backend subnet $subnet (the test expects $http_subnet_prefix.0/24)"
gw=$http_subnet_prefix.1

# The bridge of the backend network, in this namespace ("the host").
# Its MAC address is fixed: without one, a Linux bridge takes the lowest
# of its ports' addresses, and changes it whenever a port with a lower
# one joins.  A namespace that had learnt the gateway's address before
# (from an ARP request of the host's) keeps sending to the old one, a
# port's, which the bridge takes in but IP then drops as another host's:
# a connection to "postgres" from there times out (connect_timeout=5)
# until ARP asks again, 5 s and more later.
ip link set lo up
ip link add tixbr address 02:42:ac:1e:39:01 type bridge
ip addr add "$gw/24" dev tixbr
ip link set tixbr up

meta() { sed -n "s/^$2=//p" "$tmp/svc/$1.meta"; }
next_addr=100
declare -A addr_of netns_of
for s in "${names[@]}"; do
	a=$(meta "$s" addr)
	if [ -z "$a" ]; then
		a=$http_subnet_prefix.$next_addr
		next_addr=$((next_addr + 1))
	fi
	addr_of[$s]=$a
done
{
	printf '127.0.0.1\tlocalhost\n%s\tpostgres\n' "$gw"
	for s in "${names[@]}"; do printf '%s\t%s\n' "${addr_of[$s]}" "$s"; done
} >"$tmp/hosts"

# make_netns NAME ADDR: a network namespace with lo and eth0 (ADDR) on
# the bridge, held by a process whose pid goes to netns_of[NAME].  The
# veth's far end goes into that process's namespace only once it has one
# of its own (until unshare has run, it is still in this one); any step
# that fails ends the test.
host_netns=$(readlink /proc/self/ns/net)
make_netns() {
	local name=$1 addr=$2 pid i ns=
	unshare --net -- sleep 100000 &
	pid=$!
	holders+=("$pid")
	for ((i = 0; i < 300; i++)); do
		ns=$(readlink "/proc/$pid/ns/net" 2>/dev/null) || ns=
		[ -n "$ns" ] && [ "$ns" != "$host_netns" ] && break
		sleep 0.05
	done
	if [ -z "$ns" ] || [ "$ns" = "$host_netns" ]; then
		fatal "$name: no network namespace of its own after 15 s (unshare, pid $pid)"
	fi
	ip link add "v-$name" type veth peer name eth0 netns "$pid" ||
		fatal "$name: ip link add v-$name (veth into pid $pid's namespace)"
	ip link set "v-$name" master tixbr up ||
		fatal "$name: ip link set v-$name master tixbr up"
	nsenter -t "$pid" -n sh -ec "ip link set lo up
		ip addr add $addr/24 dev eth0
		ip link set eth0 up
		ip route add default via $gw" ||
		fatal "$name: setting up eth0 ($addr) in its namespace"
	netns_of[$name]=$pid
}

# net_report [NAME...]: the network as the host and NAME's namespace (by
# default every service's) see it, for a failure: addresses, routes, and
# the neighbours, the gateway's MAC address among them.
net_report() {
	local s pid
	local -a which=("$@")
	[ $# -gt 0 ] || which=("${!netns_of[@]}")
	echo "--- network of the host (tixbr $(ip -br link show tixbr 2>&1))"
	ip -br addr 2>&1
	ip neigh 2>&1
	ip route 2>&1
	bridge link 2>&1
	for s in "${which[@]}"; do
		pid=${netns_of[$s]:-}
		[ -n "$pid" ] || continue
		echo "--- network of $s (pid $pid, $(readlink "/proc/$pid/ns/net" 2>&1))"
		nsenter -t "$pid" -n sh -c 'ip -br link; ip -br addr; ip route; ip neigh' 2>&1
	done
}

# Named volumes: a directory each, filled from the image's directory at
# the mount point (its owner and mode) the first time, as Docker does.
volume_dir() {
	local vol=$1 image=$2 target=$3 d=$tmp/volumes/$1
	if [ ! -d "$d" ]; then
		mkdir -p "$d"
		if [ -d "$image$target" ]; then
			cp -a "$image$target/." "$d/"
			chown --reference="$image$target" "$d"
			chmod --reference="$image$target" "$d"
		fi
	fi
	printf '%s\n' "$d"
}

# sandbox_args NAME: the bubblewrap arguments of NAME's container.
sandbox_args() {
	local s=$1 image kind src target d
	image=$img
	[ "$(meta "$s" image)" = nginx ] && image=$ngx
	args=(--ro-bind "$image" / --ro-bind "$image.usr" /usr
		--dev /dev --proc /proc --ro-bind "$tmp/hosts" /etc/hosts
		--unshare-pid --unshare-ipc --unshare-uts --hostname "$s"
		--as-pid-1 --die-with-parent)
	while IFS=$'\t' read -r kind src target; do
		case $kind in
		tmpfs) args+=(--perms 01777 --tmpfs "$target") ;;
		ro | rw)
			case $src in
			@volume:*) src=$(volume_dir "${src#@volume:}" "$image" "$target") ;;
			esac
			[ -e "$src" ] || fatal "$s: the volume source $src does not exist"
			if [ "$kind" = ro ]; then
				args+=(--ro-bind "$src" "$target")
			else
				args+=(--bind "$src" "$target")
			fi
			;;
		esac
	done <"$tmp/svc/$s.mounts"
}

# user_of NAME: "UID GID" the container runs as.
user_of() {
	local u image
	u=$(meta "$1" user)
	if [ -z "$u" ]; then
		if [ "$(meta "$1" image)" = tix ]; then
			printf '%s %s\n' "$tix_uid" "$tix_gid"
		else
			echo "0 0" # the nginx image's default
		fi
		return
	fi
	case $u in
	*:*) printf '%s %s\n' "${u%%:*}" "${u#*:}" ;;
	*) printf '%s %s\n' "$u" "$u" ;;
	esac
}

# Mount points for the secrets and volumes, in the image (Docker makes
# them in the container's layer before it turns read-only).
for s in "${names[@]}"; do
	image=$img
	[ "$(meta "$s" image)" = nginx ] && image=$ngx
	while IFS=$'\t' read -r kind src target; do
		[ -e "$image$target" ] && continue
		if [ "$kind" = tmpfs ] || [ -d "$src" ] ||
			[ "${src#@volume:}" != "$src" ]; then
			mkdir -p "$image$target"
		else
			mkdir -p "$(dirname "$image$target")"
			: >"$image$target"
		fi
	done <"$tmp/svc/$s.mounts"
done
# /usr: this machine's (the packages), the image's own files over it
# (/usr/local/bin, /usr/share/tix), read-only.
for image in "$img" "$ngx"; do
	: >"$image/etc/hosts"
	mkdir -p "$image.usr"
	mount -t overlay overlay -o "lowerdir=$image/usr:/usr" "$image.usr"
done

# start_service NAME [CMD...]: run NAME's container in the background
# (its command, or CMD as `docker-compose run` would); sets started_pid.
# Its output goes through a pipe, as Docker's does (the nginx image's
# logs are links to /dev/stdout and /dev/stderr).
start_service() {
	local s=$1 uid gid
	shift
	local -a cmd env
	if [ $# -gt 0 ]; then cmd=("$@"); else mapfile -d '' -t cmd <"$tmp/svc/$s.cmd"; fi
	mapfile -d '' -t env <"$tmp/svc/$s.env"
	read -r uid gid < <(user_of "$s")
	sandbox_args "$s"
	[ -n "${netns_of[$s]:-}" ] || make_netns "$s" "${addr_of[$s]}"
	: >"$tmp/svc/$s.info"
	# runc gives the container's user its output pipes (a reopen of
	# /dev/stderr checks the pipe's owner).
	(chown "$uid:$gid" /proc/self/fd/1 /proc/self/fd/2 &&
	exec nsenter -t "${netns_of[$s]}" -n -- env -i "${env[@]}" \
		bwrap "${args[@]}" --info-fd 3 -- \
		setpriv "--reuid=$uid" "--regid=$gid" --clear-groups -- "${cmd[@]}") \
		3>"$tmp/svc/$s.info" <"${svc_stdin:-/dev/null}" \
		> >(exec cat >>"$tmp/log/$s.log") 2>&1 &
	started_pid=$!
}

# child_of NAME: the host pid of PID 1 in NAME's container.
child_of() {
	local i
	for ((i = 0; i < 50; i++)); do
		if [ -s "$tmp/svc/$1.info" ]; then
			"$py" -c 'import json, sys; print(json.load(open(sys.argv[1]))["child-pid"])' \
				"$tmp/svc/$1.info" 2>/dev/null && return 0
		fi
		sleep 0.1
	done
	return 1
}

# healthcheck NAME: its healthcheck test, inside its container, as its
# user, with its environment (as `docker exec` runs it).
healthcheck() {
	local s=$1 pid uid gid
	local -a hc env
	mapfile -d '' -t hc <"$tmp/svc/$s.health"
	mapfile -d '' -t env <"$tmp/svc/$s.env"
	read -r uid gid < <(user_of "$s")
	pid=$(child_of "$s") || return 1
	timeout 10 nsenter -t "$pid" -m -p -n -r -w -S "$uid" -G "$gid" -- \
		env -i "${env[@]}" "${hc[@]}" >>"$tmp/log/$s.health.log" 2>&1
}

# ---------------------------------------------------------- PostgreSQL
pg_start "$tmp/pg" 5432 >/dev/null
# Reached on the bridge as "postgres", with a password, like the image.
pg_psql postgres -c "ALTER SYSTEM SET listen_addresses = '127.0.0.1,$gw'" >/dev/null
printf 'host all all %s scram-sha-256\n' "$subnet" >>"$PG_DATA/pg_hba.conf"
sh "$PG_AREA/stop.sh" >/dev/null && sh "$PG_AREA/start.sh" >/dev/null
# As the postgres service's entrypoint does it: as root, a copy of the
# pgpass secret for the user postgres, who runs the init scripts.
init_pgpass=$("$py" -c 'import sys, yaml; print(yaml.safe_load(open(sys.argv[1]))["services"]["postgres"]["environment"]["TIX_DB_PGPASS_FILE"])' "$tmp/compose.yml")
mkdir -p "$tmp/tix-init"
install -o postgres -g postgres -m 0400 "$tmp/keys/db.pgpass" "$tmp/tix-init/pgpass"
if (cd / && env -i PATH="$PATH" POSTGRES_USER=postgres \
	TIX_DB_PGPASS_FILE="$tmp/tix-init/pgpass" PGHOST="$PG_SOCK" PGPORT=5432 \
	setpriv --reuid=postgres --regid=postgres --init-groups -- \
	"$root/deploy/postgres-init.sh") >"$tmp/log/postgres-init.log" 2>&1; then
	ok "postgres: deploy/postgres-init.sh (TIX_DB_PGPASS_FILE=$init_pgpass) made the role and database tix"
else
	fatal "postgres: deploy/postgres-init.sh failed"
fi
if pg_isready -q -h 127.0.0.1 -p 5432 -U postgres -d postgres; then
	ok "postgres: healthcheck (pg_isready over TCP)"
else
	bad "postgres: healthcheck"
fi

# -------------------------------------------------- 3. migrate, the rest
for s in "${names[@]}"; do
	[ "$(meta "$s" read_only)" = 1 ] ||
		bad "$s: the compose file does not make its root file system read-only (read_only: true)"
	read -r uid _ < <(user_of "$s")
	[ "$uid" -ne 0 ] || bad "$s: runs as root"
done

# libpq ignores a pgpass file that its group may read: the migration
# cannot log in then, and says why.
chmod 0440 "$tmp/keys/db.pgpass"
start_service migrate
if wait "$started_pid"; then
	bad "migrate: logged in with a group-readable pgpass file"
elif grep -q 'has group or world access' "$tmp/log/migrate.log"; then
	ok "migrate: a group-readable pgpass file is ignored ($(grep -o 'has group or world access' "$tmp/log/migrate.log" | head -n 1))"
else
	bad "migrate: failed without libpq's warning of the pgpass file's mode"
fi
chmod 0400 "$tmp/keys/db.pgpass"
: >"$tmp/log/migrate.log"
start_service migrate
migrate_pid=$started_pid
if wait "$migrate_pid"; then
	ok "migrate: $(tail -n 1 "$tmp/log/migrate.log")"
else
	net_report migrate
	fatal "migrate: exit status non-zero (log: $(tail -n 3 "$tmp/log/migrate.log" | tr '\n' ' '))"
fi
for s in "${names[@]}"; do
	[ "$(meta "$s" oneshot)" = 1 ] && continue
	[ "$s" = nginx ] && continue
	start_service "$s"
	sandboxes+=("$started_pid")
done

# wait_healthy NAME: its healthcheck passes within 30 s, with the
# container still running.
wait_healthy() {
	local s=$1 i
	for ((i = 0; i < 60; i++)); do
		if healthcheck "$s"; then return 0; fi
		sleep 0.5
	done
	return 1
}
for s in "${names[@]}"; do
	[ "$(meta "$s" oneshot)" = 1 ] || [ "$s" = nginx ] && continue
	if wait_healthy "$s"; then ok "$s: healthcheck"; else bad "$s: healthcheck fails"; fi
done
start_service nginx
sandboxes+=("$started_pid")
if wait_healthy nginx; then ok "nginx: healthcheck"; else bad "nginx: healthcheck fails"; fi

# Every process of every container: its user, never root.
for s in "${names[@]}"; do
	[ "$(meta "$s" oneshot)" = 1 ] && continue
	pid=$(child_of "$s") && pidns=$(readlink "/proc/$pid/ns/pid" 2>/dev/null) ||
		{ bad "$s: not running"; continue; }
	read -r uid _ < <(user_of "$s")
	n=0
	for p in /proc/[0-9]*; do
		[ "$(readlink "$p/ns/pid" 2>/dev/null)" = "$pidns" ] || continue
		u=$(awk '/^Uid:/ { print $2 }' "$p/status" 2>/dev/null) || continue
		[ -n "$u" ] || continue
		n=$((n + 1))
		if [ "$u" -eq 0 ] || [ "$u" -ne "$uid" ]; then
			bad "$s: $(tr '\0' ' ' <"$p/cmdline") runs as uid $u"
		fi
	done
	if [ "$n" -gt 0 ]; then ok "$s: $n process(es), all uid $uid"; else bad "$s: no process"; fi
done

# Every directory a service is told to write to is writable in its
# container, as its user: the workers' counters, tix-notify's files,
# nginx's state and rendered configuration.
for s in "${names[@]}"; do
	[ "$(meta "$s" oneshot)" = 1 ] && continue
	while IFS='=' read -r -d '' k v; do
		case $k in
		TIX_METRICS_DIR | TIX_MAIL_DIR | TIX_STATE_DIR | NGINX_ENVSUBST_OUTPUT_DIR) ;;
		*) continue ;;
		esac
		pid=$(child_of "$s") || continue
		read -r uid gid < <(user_of "$s")
		if nsenter -t "$pid" -m -p -r -w -S "$uid" -G "$gid" -- \
			sh -c 'f="$1/.write-probe.$$" && : >"$f" && rm -f "$f"' sh "$v" \
			2>>"$tmp/log/$s.health.log"; then
			ok "$s: $k=$v is writable"
		else
			bad "$s: $k=$v is not writable in the container"
		fi
	done <"$tmp/svc/$s.env"
done

# -------------------------------------------- 4. a ticket through nginx
password=$("$py" -c 'import secrets; print(secrets.token_urlsafe(18))')
printf '%s\n' "$password" >"$tmp/pw"
# As `docker-compose run --rm migrate tix-admin user add ...` would.
svc_stdin=$tmp/pw start_service migrate tix-admin user add \
	--email customer@compose.test --name 'Compose Customer' \
	--role customer --account 'Compose Co'
if ! wait "$started_pid"; then
	bad "tix-admin user add in the migrate container failed"
	net_report migrate
fi
if "$py" - "http://${addr_of[nginx]}:8080" customer@compose.test "$password" <<'EOF'; then
import http.cookiejar, json, sys, urllib.request
base, email, password = sys.argv[1:4]
jar = http.cookiejar.CookieJar()
op = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
def call(method, path, body=None, csrf=None):
    req = urllib.request.Request(base + path, method=method,
                                 data=json.dumps(body).encode() if body else None)
    req.add_header("Content-Type", "application/json")
    if csrf:
        req.add_header("X-CSRF-Token", csrf)
    with op.open(req, timeout=10) as r:
        return r.status, json.load(r)
st, me = call("POST", "/api/auth/login", {"email": email, "password": password})
assert st == 200, st
st, t = call("POST", "/api/tickets", {"subject": "Compose ticket",
             "description": "Made through the compose stack.",
             "category": "technical"}, csrf=me["csrf_token"])
assert st == 201, st
number = t["ticket"]["number"]
st, back = call("GET", "/api/tickets/%s" % number)
assert st == 200 and back["ticket"]["subject"] == "Compose ticket", back
print(number)
EOF
	ok "nginx: a customer logged in, created a ticket and read it back"
else
	bad "nginx: the ticket round trip failed"
fi
