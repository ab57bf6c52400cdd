#!/usr/bin/env bash
#
# check_compose.sh BUILD_DIR: static checks of the container deployment,
# for machines without a Docker engine.
#
#  1. docker-compose.yml is valid (`docker-compose config -q`).
#  2. Every command a Tix service runs (tix-admin migrate, tix-auth,
#     tix-tickets, tix-files, tix-scheduler, tix-notify) exists in BUILD_DIR, answers --help with status 0, and
#     its help names the subcommand and every option the file passes.
#  3. Each worker listens on the port its healthcheck probes and nginx's
#     upstream points at, on its own fixed backend address, and accepts
#     nginx's address alone (FCGI_WEB_SERVER_ADDRS); tix-tickets and
#     tix-files get the attachment key.
#  4. nginx/tix.conf.template, rendered the way the nginx image renders it
#     (envsubst over the environment variables matching
#     NGINX_ENVSUBST_FILTER), leaves no placeholder and passes `nginx -t`.
#  5. The Dockerfile's COPY sources exist and its apt packages are known
#     to Debian.
#  6. .env.example documents exactly the variables docker-compose.yml
#     reads.
#  7. The database passwords are secrets: every Tix service mounts the
#     pgpass file and names it in TIX_DATABASE_URL (passfile=), postgres
#     takes its own through POSTGRES_PASSWORD_FILE, and no service's
#     environment holds a password or secret value.
set -euo pipefail

build=$(cd "${1:?usage: check_compose.sh BUILD_DIR}" && pwd -P)
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
cd "$root"

# The secrets' host files and the SMTP URL are required by the file; any
# value will do here.
export TIX_POSTGRES_PASSWORD=${TIX_POSTGRES_PASSWORD:-/etc/tix/postgres-password}
export TIX_DB_PGPASS=${TIX_DB_PGPASS:-/etc/tix/db.pgpass}
export TIX_ATTACHMENT_KEY=${TIX_ATTACHMENT_KEY:-/etc/tix/attachment.key}
export TIX_TOTP_KEY=${TIX_TOTP_KEY:-/etc/tix/totp.key}
export TIX_MAIL_TOKEN_KEY=${TIX_MAIL_TOKEN_KEY:-/etc/tix/mail-token.key}
export TIX_SMTP_URL=${TIX_SMTP_URL:-smtp://mail.example.com:25}
# Debian's python3 has the yaml module docker-compose itself uses.
py=/usr/bin/python3

fails=0
passes=0
ok() { passes=$((passes + 1)); printf 'ok    %s\n' "$*"; }
bad() { fails=$((fails + 1)); printf 'FAIL  %s\n' "$*"; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# 1
if docker-compose -f docker-compose.yml config -q; then
	ok "docker-compose config"
else
	bad "docker-compose config"
	exit 1
fi
docker-compose -f docker-compose.yml config >"$tmp/compose.yml"

# 2 and 3: one line per service: name, command words (tab-separated).
"$py" - "$tmp/compose.yml" >"$tmp/commands" <<'EOF'
import sys, yaml
c = yaml.safe_load(open(sys.argv[1]))
for name, s in sorted(c["services"].items()):
    cmd = s.get("command")
    if not cmd or not str(cmd[0]).startswith("tix-"):
        continue
    print("\t".join([name] + [str(w) for w in cmd]))
EOF
[ -s "$tmp/commands" ] || bad "no tix-* command found in docker-compose.yml"

while IFS=$'\t' read -r -a words; do
	service=${words[0]}
	bin=${words[1]}
	args=("${words[@]:2}")
	if [ ! -x "$build/$bin" ]; then
		bad "$service: $build/$bin does not exist"
		continue
	fi
	if ! help=$("$build/$bin" --help 2>&1); then
		bad "$service: $bin --help exits non-zero"
		continue
	fi
	good=1
	for a in "${args[@]}"; do
		case $a in
		--*)
			grep -q -e "$a" <<<"$help" ||
				{ bad "$service: $bin --help does not mention $a"; good=; }
			;;
		-*) ;;
		*)
			# A word right after the binary or after another bare word
			# is a subcommand: the help must show "bin word".
			if [ "$a" = "${args[0]}" ]; then
				grep -q -e "$bin $a" <<<"$help" ||
					{ bad "$service: $bin has no subcommand $a"; good=; }
			fi
			;;
		esac
	done
	[ -n "$good" ] && ok "$service: ${words[*]:1}"
done <"$tmp/commands"

"$py" - "$tmp/compose.yml" >"$tmp/ports" <<'EOF'
import re, sys, yaml
c = yaml.safe_load(open(sys.argv[1]))
s = c["services"]
env = s["nginx"]["environment"]
for name, var in (("auth", "TIX_AUTH_UPSTREAM"), ("tickets", "TIX_TICKETS_UPSTREAM"),
                  ("files", "TIX_FILES_UPSTREAM")):
    cmd = s[name]["command"]
    listen = cmd[cmd.index("--listen") + 1].rsplit(":", 1)[1]
    probe = re.search(r"/dev/tcp/[^/]+/(\d+)", " ".join(s[name]["healthcheck"]["test"]))
    upstream = env[var]
    fine = (probe and probe.group(1) == listen
            and upstream == "%s:%s" % (name, listen))
    print("%s %s listen=%s healthcheck=%s nginx=%s" % (
        "ok" if fine else "bad", name, listen,
        probe.group(1) if probe else None, upstream))
EOF
while read -r verdict rest; do
	if [ "$verdict" = ok ]; then ok "ports: $rest"; else bad "ports: $rest"; fi
done <"$tmp/ports"

# Each worker binds to its own fixed backend address (not 0.0.0.0) and
# takes FastCGI connections from nginx's backend address alone.
"$py" - "$tmp/compose.yml" >"$tmp/addrs" <<'EOF'
import ipaddress, sys, yaml
c = yaml.safe_load(open(sys.argv[1]))
s = c["services"]
subnet = ipaddress.ip_network(
    c["networks"]["backend"]["ipam"]["config"][0]["subnet"])
nginx = s["nginx"]["networks"]["backend"]["ipv4_address"]
for name in ("auth", "tickets", "files"):
    cmd = s[name]["command"]
    host = cmd[cmd.index("--listen") + 1].rsplit(":", 1)[0]
    own = (s[name].get("networks") or {}).get("backend", {}) or {}
    env = s[name].get("environment") or {}
    fine = (host == own.get("ipv4_address") and
            ipaddress.ip_address(host) in subnet and
            ipaddress.ip_address(nginx) in subnet and
            env.get("FCGI_WEB_SERVER_ADDRS") == nginx and
            env.get("TIX_READ_TIMEOUT_SECONDS"))
    print("%s %s listen=%s backend=%s FCGI_WEB_SERVER_ADDRS=%s nginx=%s" % (
        "ok" if fine else "bad", name, host, own.get("ipv4_address"),
        env.get("FCGI_WEB_SERVER_ADDRS"), nginx))
EOF
while read -r verdict rest; do
	if [ "$verdict" = ok ]; then ok "addresses: $rest"; else bad "addresses: $rest"; fi
done <"$tmp/addrs"

# The workers that read or write files get the attachment key.
"$py" - "$tmp/compose.yml" >"$tmp/secrets" <<'EOF'
import sys, yaml
c = yaml.safe_load(open(sys.argv[1]))
s = c["services"]
for name in ("tickets", "files"):
    sec = [x if isinstance(x, str) else x.get("source")
           for x in s[name].get("secrets") or []]
    env = s[name].get("environment") or {}
    fine = ("tix_attachment_key" in sec and
            env.get("TIX_ATTACHMENT_KEY_FILE") == "/run/secrets/tix_attachment_key")
    print("%s %s" % ("ok" if fine else "bad", name))
EOF
while read -r verdict name; do
	if [ "$verdict" = ok ]; then ok "key: $name has the attachment key"
	else bad "key: $name lacks the attachment key secret"; fi
done <"$tmp/secrets"

# 7. The database passwords: files libpq and the postgres image read,
# mounted as secrets; nothing of the kind in any environment.
"$py" - "$tmp/compose.yml" >"$tmp/passwords" <<'EOF'
import re, sys, yaml
c = yaml.safe_load(open(sys.argv[1]))
declared = c.get("secrets") or {}
def mounts(s):
    out = {}
    for x in s.get("secrets") or []:
        src = x if isinstance(x, str) else x["source"]
        tgt = src if isinstance(x, str) else x.get("target", src)
        out[tgt if tgt.startswith("/") else "/run/secrets/" + tgt] = src
    return out
for name, s in sorted(c["services"].items()):
    env = {k: "" if v is None else str(v)
           for k, v in (s.get("environment") or {}).items()}
    m = mounts(s)
    cmd = s.get("command") or []
    if cmd and str(cmd[0]).startswith("tix-"):
        url = env.get("TIX_DATABASE_URL", "")
        pf = re.search(r"(?:^| )passfile=(\S+)", url)
        fine = (pf is not None and m.get(pf.group(1)) == "tix_db_pgpass"
                and "tix_db_pgpass" in declared)
        print("%s %s: TIX_DATABASE_URL passfile=%s, secret %s" % (
            "ok" if fine else "bad", name, pf.group(1) if pf else None,
            m.get(pf.group(1)) if pf else None))
    if name == "postgres":
        f = env.get("POSTGRES_PASSWORD_FILE")
        fine = f in m and "POSTGRES_PASSWORD" not in env
        print("%s postgres: POSTGRES_PASSWORD_FILE=%s, secret %s" % (
            "ok" if fine else "bad", f, m.get(f)))
    # A password or key by name (FOO_PASSWORD, PGPASSWORD, ..._SECRET,
    # ..._KEY, ..._TOKEN) may only point at a file; a value may hold none
    # (conninfo password=, a URL's user:password@).
    held = []
    for k, v in sorted(env.items()):
        if (re.search(r"PASSWORD|SECRET|TOKEN|(^|_)KEY($|_)", k)
                and not k.endswith("_FILE")):
            held.append(k)
        elif re.search(r"(^|\s)password\s*=", v, re.I):
            held.append(k + " (password=)")
        elif re.search(r"^[a-z][a-z0-9+.-]*://[^/@\s]*:[^/@\s]*@", v, re.I):
            held.append(k + " (user:password@)")
    print("%s %s: %s" % ("bad" if held else "ok", name,
                         "a password or secret in the environment: " +
                         ", ".join(held) if held else
                         "no password or secret in the environment"))
EOF
while read -r verdict rest; do
	if [ "$verdict" = ok ]; then ok "secrets: $rest"; else bad "secrets: $rest"; fi
done <"$tmp/passwords"

# 4: render like docker-entrypoint.d/20-envsubst-on-templates.sh, with the
# nginx service's environment; directories and upstreams point at this
# machine so that `nginx -t` can check the result.
"$py" - "$tmp/compose.yml" >"$tmp/nginx.env" <<'EOF'
import sys, yaml
c = yaml.safe_load(open(sys.argv[1]))
for k, v in c["services"]["nginx"]["environment"].items():
    print("%s=%s" % (k, v))
EOF
mkdir -p "$tmp/html" "$tmp/state" "$tmp/log"
mapfile -t nginx_env <"$tmp/nginx.env"
# shellcheck disable=SC2016 # the inner script expands its own variables
env -i PATH="$PATH" "${nginx_env[@]}" \
	TIX_HTML_DIR="$tmp/html" TIX_STATE_DIR="$tmp/state" TIX_LOG_DIR="$tmp/log" \
	TIX_AUTH_UPSTREAM=127.0.0.1:9001 TIX_TICKETS_UPSTREAM=127.0.0.1:9002 \
	TIX_FILES_UPSTREAM=127.0.0.1:9003 \
	bash -c '
	filter=${NGINX_ENVSUBST_FILTER:-}
	defined_envs=$(printf "\${%s} " $(awk "END { for (name in ENVIRON) { print ( name ~ /${filter}/ ) ? name : \"\" } }" </dev/null))
	envsubst "$defined_envs" <nginx/tix.conf.template >"$1"' sh "$tmp/nginx.conf"
if grep -n '\${TIX_' "$tmp/nginx.conf"; then
	bad "template: placeholders left after the image's envsubst"
else
	ok "template: every placeholder rendered"
fi
if grep -q 'listen 0.0.0.0:8080 ' "$tmp/nginx.conf"; then
	ok "template: listens on 0.0.0.0:8080 in the container"
else
	bad "template: nginx does not listen on 0.0.0.0:8080 in the container"
fi
if nginx -t -q -p "$tmp/state/" -c "$tmp/nginx.conf" -e "$tmp/log/error.log" \
	-g 'daemon off;' 2>"$tmp/nginx-t.log"; then
	ok "template: nginx -t"
else
	cat "$tmp/nginx-t.log"
	bad "template: nginx -t"
fi

# 5
while read -r src; do
	if [ -e "$src" ]; then
		ok "Dockerfile: COPY $src"
	else
		bad "Dockerfile: COPY $src: missing"
	fi
done < <(awk '$1 == "COPY" && $2 !~ /^--from/ { for (i = 2; i < NF; i++) print $i }' Dockerfile)
pkgs=$(sed -n '/install -y --no-install-recommends/,/&& rm/p' Dockerfile |
	grep -v -e 'install -y' -e '&& rm' | tr -s ' \\' '\n' | grep -v '^$' | sort -u)
for p in $pkgs; do
	if apt-cache show "$p" >/dev/null 2>&1; then
		ok "Dockerfile: package $p"
	else
		bad "Dockerfile: package $p unknown to apt"
	fi
done

# 6. .env.example names every variable docker-compose.yml reads, and
# nothing it does not; filled in, it makes a valid file.
for v in $(grep -o '\${[A-Z0-9_]*' docker-compose.yml | cut -c3- | sort -u); do
	if grep -q -E "^#?$v=" .env.example; then
		ok ".env.example: $v"
	else
		bad ".env.example does not document $v"
	fi
done
for v in $(grep -o -E '^#?[A-Z0-9_]+=' .env.example | tr -d '#=' | sort -u); do
	grep -q -F "\${$v" docker-compose.yml ||
		bad ".env.example has $v, which docker-compose.yml does not read"
done
cp .env.example "$tmp/env"
if env -u TIX_POSTGRES_PASSWORD -u TIX_DB_PGPASS -u TIX_ATTACHMENT_KEY \
	-u TIX_TOTP_KEY -u TIX_MAIL_TOKEN_KEY -u TIX_SMTP_URL \
	docker-compose --env-file "$tmp/env" -f docker-compose.yml config -q; then
	ok ".env.example makes a valid file"
else
	bad "docker-compose config with .env.example"
fi

echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]
