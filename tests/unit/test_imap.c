/*
 * test_imap.c: the IMAP answers tix-mailin --imap reads
 * (lib/mail/imap_parse.c): UID SEARCH results, FETCH sizes with and
 * without literals, status and error lines, answers cut short, and
 * garbage.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "mail/imap_parse.h"

#define CAP	16

static size_t
search(const char *answer, struct tix_imap_msg *msgs)
{
	memset(msgs, 0xAB, CAP * sizeof(*msgs));
	return tix_imap_parse_search(answer, strlen(answer), msgs, CAP);
}

static void
assert_uids(const struct tix_imap_msg *msgs, size_t n,
    const uint32_t *want, size_t nwant)
{
	size_t i;

	assert_int_equal(n, nwant);
	for (i = 0; i < n; i++) {
		assert_int_equal(msgs[i].uid, want[i]);
		assert_int_equal(msgs[i].size, 0);
	}
}

static void
test_search_plain(void **state)
{
	struct tix_imap_msg	msgs[CAP];
	const uint32_t		want[] = { 3, 4, 9 };

	(void)state;
	assert_uids(msgs, search("* SEARCH 3 4 9\r\n", msgs), want, 3);
	/* LF alone, and keywords in any case (RFC 3501 9). */
	assert_uids(msgs, search("* search 3 4 9\n", msgs), want, 3);
}

static void
test_search_sorted_without_repeats(void **state)
{
	struct tix_imap_msg	msgs[CAP];
	const uint32_t		want[] = { 2, 5, 7, 4294967295u };

	(void)state;
	/* Two SEARCH responses, out of order, one UID twice. */
	assert_uids(msgs, search("* SEARCH 7 2\r\n* SEARCH 4294967295 5 7"
	    "\r\n", msgs), want, 4);
}

static void
test_search_empty_and_status(void **state)
{
	struct tix_imap_msg	msgs[CAP];
	const uint32_t		want[] = { 12 };

	(void)state;
	assert_int_equal(search("* SEARCH\r\n", msgs), 0);
	assert_int_equal(search("", msgs), 0);
	assert_int_equal(tix_imap_parse_search(NULL, 0, msgs, CAP), 0);
	/* Status and other untagged responses around it say nothing. */
	assert_uids(msgs, search("* OK [UIDVALIDITY 1700000000] ok\r\n"
	    "* 3 EXISTS\r\n* 1 RECENT\r\n* SEARCH 12\r\n"
	    "* BYE server going down\r\n", msgs), want, 1);
}

static void
test_search_errors(void **state)
{
	struct tix_imap_msg msgs[CAP];

	(void)state;
	assert_int_equal(search("* NO [UNAVAILABLE] try later\r\n", msgs), 0);
	assert_int_equal(search("* BAD Error in IMAP command\r\n", msgs), 0);
	assert_int_equal(search("A001 NO SEARCH failed 3 4\r\n", msgs), 0);
	/* Not a SEARCH response, though it says the word. */
	assert_int_equal(search("* OK SEARCH 3 4\r\n", msgs), 0);
	assert_int_equal(search("SEARCH 3 4\r\n", msgs), 0);
	assert_int_equal(search("*SEARCH 3 4\r\n", msgs), 0);
}

static void
test_search_bad_numbers_end_the_line(void **state)
{
	struct tix_imap_msg	msgs[CAP];
	const uint32_t		one[] = { 1 }, two[] = { 1, 2 };

	(void)state;
	/* 0 is no UID, nor is 2^32; a word that is no number ends it. */
	assert_uids(msgs, search("* SEARCH 1 0 5\r\n", msgs), one, 1);
	assert_uids(msgs, search("* SEARCH 1 4294967296 5\r\n", msgs), one,
	    1);
	assert_uids(msgs, search("* SEARCH 1 x 5\r\n", msgs), one, 1);
	assert_uids(msgs, search("* SEARCH 1 5x\r\n", msgs), one, 1);
	assert_uids(msgs, search("* SEARCH 1 -5\r\n", msgs), one, 1);
	assert_uids(msgs, search("* SEARCH 1 2 (MODSEQ 917162500)\r\n",
	    msgs), two, 2);
	assert_uids(msgs, search("* SEARCH 1 99999999999999999999999\r\n",
	    msgs), one, 1);
}

static void
test_search_cut_short(void **state)
{
	struct tix_imap_msg	msgs[CAP];
	const uint32_t		want[] = { 3, 4 };

	(void)state;
	/* The answer stopped at its maximum: 91 may be part of 9123. */
	assert_uids(msgs, search("* SEARCH 3 4 91", msgs), want, 2);
	assert_uids(msgs, search("* SEARCH 3 4 ", msgs), want, 2);
	/* A line end after the number makes it whole. */
	assert_uids(msgs, search("* SEARCH 3\r", msgs), want, 1);
}

static void
test_search_cap(void **state)
{
	struct tix_imap_msg	msgs[3];
	size_t			n;

	(void)state;
	n = tix_imap_parse_search("* SEARCH 9 8 7 6 5\r\n", 20, msgs, 3);
	assert_int_equal(n, 3);
	/* The first cap of the answer, then sorted. */
	assert_int_equal(msgs[0].uid, 7);
	assert_int_equal(msgs[2].uid, 9);
	assert_int_equal(tix_imap_parse_search("* SEARCH 9\r\n", 12, msgs, 0),
	    0);
}

static void
test_search_inside_a_literal_is_data(void **state)
{
	struct tix_imap_msg	msgs[CAP];
	const uint32_t		want[] = { 4 };
	const char		*a =
	    "* 1 FETCH (BODY[TEXT] {25}\r\n"
	    "* SEARCH 66 77\r\nhello\r\n\r\n"
	    " UID 5)\r\n"
	    "* SEARCH 4\r\n";

	(void)state;
	assert_uids(msgs, search(a, msgs), want, 1);
	/* A non-synchronising literal (RFC 7888) too. */
	assert_uids(msgs, search("* 1 FETCH (BODY[] {15+}\r\n"
	    "* SEARCH 66\r\nx)\r\n* SEARCH 4\r\n", msgs), want, 1);
}

static void
test_search_literal_longer_than_the_answer(void **state)
{
	struct tix_imap_msg msgs[CAP];

	(void)state;
	assert_int_equal(search("* 1 FETCH (BODY[] {99999}\r\n"
	    "* SEARCH 5\r\n", msgs), 0);
	assert_int_equal(search("* 1 FETCH (BODY[] "
	    "{99999999999999999999999999}\r\n* SEARCH 5\r\n", msgs), 1);
}

/* msgs 9, 10 and 11, sizes 0, after parsing answer. */
static void
sizes(const char *answer, struct tix_imap_msg *msgs)
{
	size_t i;

	for (i = 0; i < 3; i++) {
		msgs[i].uid = (uint32_t)(9 + i);
		msgs[i].size = 0;
	}
	tix_imap_parse_sizes(answer, strlen(answer), msgs, 3);
}

static void
test_sizes_plain(void **state)
{
	struct tix_imap_msg msgs[3];

	(void)state;
	sizes("* 2 FETCH (UID 9 RFC822.SIZE 1234)\r\n"
	    "* 3 FETCH (RFC822.SIZE 55 UID 11)\r\n", msgs);
	assert_int_equal(msgs[0].size, 1234);
	assert_int_equal(msgs[1].size, 0);	/* not told */
	assert_int_equal(msgs[2].size, 55);
	sizes("* 2 fetch (uid 10 rfc822.size 26214400 flags (\\Seen))\n",
	    msgs);
	assert_int_equal(msgs[1].size, 26214400);
}

static void
test_sizes_unknown_uid_and_half_answers(void **state)
{
	struct tix_imap_msg msgs[3];

	(void)state;
	sizes("* 2 FETCH (UID 99 RFC822.SIZE 1)\r\n"
	    "* 3 FETCH (UID 9)\r\n"
	    "* 4 FETCH (RFC822.SIZE 7)\r\n"
	    "* 5 FETCH (XUID 10 RFC822.SIZE 8)\r\n", msgs);
	assert_int_equal(msgs[0].size, 0);
	assert_int_equal(msgs[1].size, 0);
	assert_int_equal(msgs[2].size, 0);
}

static void
test_sizes_only_from_fetch_responses(void **state)
{
	struct tix_imap_msg msgs[3];

	(void)state;
	sizes("* OK UID 9 RFC822.SIZE 5\r\n"
	    "A3 OK UID 10 RFC822.SIZE 6 done\r\n"
	    "* FETCH (UID 11 RFC822.SIZE 7)\r\n"
	    "* NO [ALERT] UID 9 RFC822.SIZE 8\r\n"
	    "* BAD UID 11 RFC822.SIZE 9\r\n", msgs);
	assert_int_equal(msgs[0].size, 0);
	assert_int_equal(msgs[1].size, 0);
	assert_int_equal(msgs[2].size, 0);
}

static void
test_sizes_with_literals(void **state)
{
	struct tix_imap_msg msgs[3];

	(void)state;
	/* Items before and after a literal belong to its response; a
	 * FETCH response written inside the literal is data. */
	sizes("* 2 FETCH (UID 9 BODY[HEADER] {36}\r\n"
	    "* 3 FETCH (UID 10 RFC822.SIZE 1)\r\n\r\n"
	    " RFC822.SIZE 4321)\r\n"
	    "* 4 FETCH (BODY[] {7}\r\nUID 5 9 UID 11 RFC822.SIZE 300)\r\n", msgs);
	assert_int_equal(msgs[0].size, 4321);
	assert_int_equal(msgs[1].size, 0);
	assert_int_equal(msgs[2].size, 300);
	/* Two literals in one response. */
	sizes("* 2 FETCH (BODY[1] {3}\r\nabc BODY[2] {4}\r\nUID "
	    " UID 10 RFC822.SIZE 12)\r\n", msgs);
	assert_int_equal(msgs[1].size, 12);
}

static void
test_sizes_cut_short(void **state)
{
	struct tix_imap_msg msgs[3];

	(void)state;
	/* 12 may be the start of 1234: nothing is believed. */
	sizes("* 2 FETCH (UID 9 RFC822.SIZE 12", msgs);
	assert_int_equal(msgs[0].size, 0);
	/* A literal that runs past the end of the answer. */
	sizes("* 2 FETCH (UID 9 BODY[] {500}\r\nRFC822.SIZE 5)\r\n", msgs);
	assert_int_equal(msgs[0].size, 0);
	tix_imap_parse_sizes(NULL, 0, msgs, 3);
}

static void
test_garbage(void **state)
{
	struct tix_imap_msg	 msgs[CAP];
	static const char *const junk[] = {
		"\r\n\r\n\n\n", "{", "}", "{}\r\n", "* 1 FETCH (BODY[] {}\r\n",
		"* 1 FETCH ({5}\r\n", "\0\0\0", "* SEARCH \0 1\r\n",
		"*", "* ", "* 1", "* 1 FETCH", "* 1 FETCH (", "* SEARCH",
		"* SEARCH        ", "{3}\r\n{3}\r\n{3}\r\n",
	};
	char			 big[4096];
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof(junk) / sizeof(junk[0]); i++) {
		assert_int_equal(search(junk[i], msgs), 0);
		sizes(junk[i], msgs);
		assert_int_equal(msgs[0].size + msgs[1].size + msgs[2].size,
		    0);
	}
	/* Bytes of every value, and a NUL inside a line. */
	for (i = 0; i < sizeof(big); i++)
		big[i] = (char)(i * 131 + 7);
	(void)tix_imap_parse_search(big, sizeof(big), msgs, CAP);
	tix_imap_parse_sizes(big, sizeof(big), msgs, CAP);
	assert_int_equal(tix_imap_parse_search("* SEARCH 5\0 6\r\n", 15, msgs,
	    CAP), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_search_plain),
		cmocka_unit_test(test_search_sorted_without_repeats),
		cmocka_unit_test(test_search_empty_and_status),
		cmocka_unit_test(test_search_errors),
		cmocka_unit_test(test_search_bad_numbers_end_the_line),
		cmocka_unit_test(test_search_cut_short),
		cmocka_unit_test(test_search_cap),
		cmocka_unit_test(test_search_inside_a_literal_is_data),
		cmocka_unit_test(test_search_literal_longer_than_the_answer),
		cmocka_unit_test(test_sizes_plain),
		cmocka_unit_test(test_sizes_unknown_uid_and_half_answers),
		cmocka_unit_test(test_sizes_only_from_fetch_responses),
		cmocka_unit_test(test_sizes_with_literals),
		cmocka_unit_test(test_sizes_cut_short),
		cmocka_unit_test(test_garbage),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
