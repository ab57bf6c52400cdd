/*
 * tix-stmt-sql: prints the SQL of the programs' statements, as the
 * workers prepare them, for the plan tests (tests/api/test_plans.py)
 * and for EXPLAIN by hand.
 *
 *   tix-stmt-sql NAME        the statement of that name (lib/db/stmt.c)
 *   tix-stmt-sql NAME/I      the I-th (from 0) of the statements that
 *                            share the name: ticket_list/I and
 *                            search_ranked/I are the sort I / 2 of
 *                            enum tix_sort, the customers' when I is odd
 *   tix-stmt-sql shaped/X    the list statement of shape X (TIX_SHAPE_*
 *                            of db/stmt.h, an integer; 0x for hex)
 *
 * The SQL goes to standard output with a newline.  Exit status 0, or 1
 * when there is no such statement, 64 for wrong arguments.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/stmt.h"

int
main(int argc, char **argv)
{
	const char	*slash, *sql;
	size_t		 len;
	long		 want = 0, seen = 0;
	char		*end;
	int		 id;

	if (argc != 2) {
		fprintf(stderr, "usage: tix-stmt-sql NAME[/I]\n");
		return 64;
	}
	slash = strchr(argv[1], '/');
	len = slash != NULL ? (size_t)(slash - argv[1]) : strlen(argv[1]);
	if (len == 6 && strncmp(argv[1], "shaped", 6) == 0 && slash != NULL) {
		want = strtol(slash + 1, &end, 0);
		sql = *end == '\0' && want >= 0 && want < TIX_SHAPE__LIMIT ?
		    tix_stmt_sql(TIX_STMT_SHAPED + (int)want) : NULL;
		if (sql != NULL) {
			printf("%s\n", sql);
			return 0;
		}
	}
	if (slash != NULL) {
		want = strtol(slash + 1, &end, 10);
		if (end == slash + 1 || *end != '\0' || want < 0) {
			fprintf(stderr, "tix-stmt-sql: bad index: %s\n", argv[1]);
			return 64;
		}
	}
	for (id = 0; id < TIX_STMT__MAX; id++) {
		if (strlen(tix_stmt_name(id)) != len ||
		    strncmp(tix_stmt_name(id), argv[1], len) != 0)
			continue;
		if (seen++ != want)
			continue;
		sql = tix_stmt_sql(id);
		if (sql == NULL)
			break;
		printf("%s\n", sql);
		return 0;
	}
	fprintf(stderr, "tix-stmt-sql: no statement %s\n", argv[1]);
	return 1;
}
