#!/usr/bin/env bash
# checksrc.sh: mechanical checks of the C sources, run by ctest.
#
# - banned calls (unbounded string functions, shell escapes, atoi & co.);
# - each outside library is included by its one module only;
# - the layers of docs/architecture.md: an include only points down;
# - no assignment inside an if condition;
# - every .c and .h file starts with a comment saying what it is.
set -u
root=${1:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$root" || exit 2
status=0
files=$(
	find lib fcgi tools -name '*.[ch]')

fail() {
	echo "checksrc: $*"
	status=1
}

# The code of a file with its comments blanked out, lines kept in place,
# so that prose may name what code may not call.
code_of() {
	perl -0pe 's{/\*.*?\*/}{ (my $c = $&) =~ s/[^\n]//g; $c }gse' "$1"
}

banned='\b(sprintf|vsprintf|strcpy|strcat|strncpy|strncat|gets|strtok|atoi|atol|atof|system|popen|alloca)[[:space:]]*\('
for f in $files; do
	while IFS= read -r hit; do
		[ -n "$hit" ] && fail "banned call: $f:$hit"
	done < <(code_of "$f" | grep -nE "$banned")
done

# library -> the only directory that may include it
check_include() {
	local header=$1 f pat ok
	shift
	for f in $(grep -l "#include <$header" $files); do
		ok=0
		for pat in "$@"; do
			case "$f" in $pat) ok=1 ;; esac
		done
		[ $ok -eq 1 ] || fail "$f includes <$header> (only $* may)"
	done
}
check_include 'libpq-fe.h' 'lib/db/*'
check_include 'json-c/' 'lib/json/*'
check_include 'sodium.h' 'lib/crypto/*'
check_include 'curl/curl.h' 'lib/mail/*'
check_include 'gmime/' 'lib/mail/*'
check_include 'libxml/' 'lib/mail/html.c'
check_include 'ytnef.h' 'lib/mail/tnef.c'
check_include 'fcgiapp.h' 'lib/http/*' 'fcgi/*'
check_include 'fcgi_stdio.h' 'nowhere'
check_include 'crack.h' 'lib/auth/policy.c'
check_include 'liboath/' 'lib/auth/totp.c'
check_include 'qrencode.h' 'lib/auth/qr.c'

# Layers (docs/architecture.md, "Layers, one way"): an arrow only points
# down.  check_layer DIR MODULE...: files in DIR include nothing of the
# lib/ modules named.
check_layer() {
	local dir=$1 f mod hit
	shift
	for f in $files; do
		case "$f" in "$dir"/*) ;; *) continue ;; esac
		for mod in "$@"; do
			while IFS= read -r hit; do
				[ -n "$hit" ] &&
					fail "$f:$hit: $dir/ may not include $mod/"
			done < <(grep -n "^#include \"$mod/" "$f")
		done
	done
}
domain="auth tickets outbox files mail"
# shellcheck disable=SC2086
{
	check_layer lib/core json db http crypto $domain api
	check_layer lib/json db http crypto $domain api
	check_layer lib/db json http crypto $domain api
	check_layer lib/crypto json db http $domain api
	# http/ knows nothing of who may do what: the principal is core's.
	check_layer lib/http db crypto $domain api
	for d in $domain; do
		check_layer "lib/$d" api
	done
}

# lib/api/ parses, calls the domain and renders: no SQL, no db/, and the
# connection only inside struct tix_ctx: api/serve.c puts it in the
# request, api/ctx.c alone takes it out.
for f in $files; do
	case "$f" in lib/api/*) ;; *) continue ;; esac
	while IFS= read -r hit; do
		[ -n "$hit" ] && fail "$f:$hit: lib/api/ may not use db/"
	done < <(code_of "$f" |
		grep -nE '#include "db/|\btix_db_|\bTIX_STMT_|\btix_rows_')
	case "$f" in lib/api/ctx.c | lib/api/serve.c) continue ;; esac
	while IFS= read -r hit; do
		[ -n "$hit" ] &&
			fail "$f:$hit: lib/api/ passes the connection only in a tix_ctx (api/ctx.h)"
	done < <(code_of "$f" | grep -nE '(->|\.)db\b')
done

while IFS= read -r hit; do
	[ -n "$hit" ] && fail "assignment in a condition: $hit"
done < <(grep -nE '\bif \(.*[^=!<>]=[^=].*\) *(\{|$)' $files |
	grep -vE '(==|!=|<=|>=)' )

for f in $files; do
	head -1 "$f" | grep -q '^/\*' || fail "$f: no header comment"
done

[ $status -eq 0 ] && echo "checksrc: $(echo $files | wc -w) files clean"
exit $status
