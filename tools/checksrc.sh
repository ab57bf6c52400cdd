#!/usr/bin/env bash
# checksrc.sh: mechanical checks of the C sources, run by ctest.
#
# - banned calls (unbounded string functions, shell escapes, atoi & co.);
# - each outside library is included by its one module only;
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
check_include 'fcgiapp.h' 'lib/http/*' 'fcgi/*'
check_include 'fcgi_stdio.h' 'nowhere'
check_include 'crack.h' 'lib/auth/policy.c'
check_include 'liboath/' 'lib/auth/totp.c'
check_include 'qrencode.h' 'lib/auth/qr.c'

while IFS= read -r hit; do
	[ -n "$hit" ] && fail "assignment in a condition: $hit"
done < <(grep -nE '\bif \(.*[^=!<>]=[^=].*\) *(\{|$)' $files |
	grep -vE '(==|!=|<=|>=)' )

for f in $files; do
	head -1 "$f" | grep -q '^/\*' || fail "$f: no header comment"
done

[ $status -eq 0 ] && echo "checksrc: $(echo $files | wc -w) files clean"
exit $status
