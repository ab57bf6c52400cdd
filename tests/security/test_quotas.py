"""Quotas on stored files (security.md 54): at most 100 files on one
ticket over all its submissions, and at most 2 GiB uploaded by one user
in 24 hours (TIX_MAX_FILES_PER_TICKET, TIX_MAX_UPLOAD_BYTES_PER_DAY in
lib/core/limits.h).  Each is tried at the limit (accepted) and one past
it (refused with the contract's error, nothing stored).

The files a test needs to come near a limit are copies of one real
file's row made in the database (their chunks are not copied: they are
only counted, never read), removed again at the end.  The per-file and
per-submission limits are tests/api/test_attachments.py's."""

import unittest

from test_attachments import counts, multipart, ticket_parts
from tixclient import (ApiTestCase, create_ticket, login, make_user,
                       psql, psql_int, ticket_int)

PER_TICKET = 100
PER_DAY = 2048 * 1024 * 1024


def files_of(number):
    return psql_int("SELECT count(*) FROM attachments a JOIN tickets t"
                    " ON t.id = a.ticket_id WHERE t.number = :'p1'",
                    ticket_int(number))


def copy_rows(number, n, size=None, days_ago=0):
    """n copies of the ticket's first file's row (with size bytes), made
    days_ago; returns their ids as "{...}"."""
    return psql(
        "WITH src AS (SELECT a.* FROM attachments a JOIN tickets t"
        "  ON t.id = a.ticket_id WHERE t.number = :'p1'"
        "  ORDER BY a.id LIMIT 1),"
        " ins AS (INSERT INTO attachments (ticket_id, entry_id,"
        "  uploader_id, filename, content_type, size, sha256, key_id,"
        "  header, nchunks, created_at)"
        "  SELECT ticket_id, entry_id, uploader_id, filename,"
        "  content_type, coalesce(nullif(:'p3', '')::bigint, size),"
        "  sha256, key_id, header, nchunks,"
        "  now() - (:'p4' || ' days')::interval"
        "  FROM src, generate_series(1, :'p2'::int) RETURNING id)"
        " SELECT '{' || string_agg(id::text, ',') || '}' FROM ins",
        ticket_int(number), str(n), "" if size is None else str(size),
        str(days_ago))


def drop_rows(ids):
    psql("DELETE FROM attachments WHERE id = ANY (:'p1'::bigint[])", ids)


class QuotaTest(ApiTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = make_user("customer")
        cls.c = login(cls.customer)

    def post_files(self, number, files):
        body, ctype = multipart([("attachments", n, d) for n, d in files])
        return self.c.post("/api/tickets/%s/attachments" % number,
                           raw=body, content_type=ctype)

    def new_ticket_with_file(self):
        body, ctype = multipart(ticket_parts([("first.txt", b"first\n")]))
        r = self.c.post("/api/tickets", raw=body, content_type=ctype)
        return self.assertJson(r, 201)["ticket"]["number"]

    def test_files_per_ticket(self):
        n = self.new_ticket_with_file()
        ids = copy_rows(n, PER_TICKET - 4)      # 97 on the ticket
        try:
            self.assertEqual(files_of(n), PER_TICKET - 3)
            # Three more make exactly the limit ...
            r = self.post_files(n, [("a%d.txt" % i, b"at the limit\n")
                                    for i in range(3)])
            self.assertJson(r, 201)
            self.assertEqual(files_of(n), PER_TICKET)
            # ... one more is refused, with nothing stored, by every
            # route that adds files.
            before = counts()
            r = self.post_files(n, [("over.txt", b"one past\n")])
            self.assertError(r, 422, "too_many_files")
            self.assertIn(str(PER_TICKET), r.body["error"]["message"])
            body, ctype = multipart([("body", None, "a reply"),
                                     ("attachments", "r.txt", b"x\n")])
            r = self.c.post("/api/tickets/%s/messages" % n, raw=body,
                            content_type=ctype)
            self.assertError(r, 422, "too_many_files")
            self.assertEqual(counts(), before)
            # A reply without files still goes in.
            self.assertStatus(self.c.post("/api/tickets/%s/messages" % n,
                                          {"body": "no files"}), 201)
            # Another ticket of the same customer is not affected.
            other = create_ticket(self.c)["number"]
            self.assertJson(self.post_files(other, [("b.txt", b"b\n")]),
                            201)
        finally:
            drop_rows(ids)

    def test_bytes_per_user_and_day(self):
        n = self.new_ticket_with_file()
        stored = psql_int("SELECT coalesce(sum(size), 0) FROM attachments"
                          " a JOIN users u ON u.id = a.uploader_id WHERE"
                          " u.email = lower(:'p1') AND a.created_at >"
                          " now() - interval '1 day'", self.customer.email)
        data = b"exactly at the quota\n"
        # One row that brings the day's total to the quota less data.
        ids = copy_rows(n, 1, size=PER_DAY - stored - len(data))
        old = copy_rows(n, 3, size=PER_DAY, days_ago=2)  # not counted
        try:
            self.assertJson(self.post_files(n, [("at.txt", data)]), 201)
            before = counts()
            r = self.post_files(n, [("over.txt", b"1")])
            self.assertError(r, 413, "file_too_large")
            self.assertIn("day", r.body["error"]["message"])
            body, ctype = multipart(ticket_parts([("new.txt", b"new\n")]))
            r = self.c.post("/api/tickets", raw=body, content_type=ctype)
            self.assertError(r, 413, "file_too_large")
            self.assertEqual(counts(), before)
            # Another user's uploads are not affected.
            c2 = login(make_user("customer"))
            body, ctype = multipart(ticket_parts([("c2.txt", b"c2\n")]))
            self.assertJson(c2.post("/api/tickets", raw=body,
                                    content_type=ctype), 201)
        finally:
            drop_rows(ids)
            drop_rows(old)

    def test_zero_byte_file(self):
        """53's other edge: an empty text file is a file like another
        (stored, listed with size 0, downloaded as nothing); an empty
        file of a binary type has no valid content (415)."""
        n = create_ticket(self.c)["number"]
        r = self.post_files(n, [("empty.txt", b"")])
        att = self.assertJson(r, 201)["attachments"][0]
        self.assertEqual(att["size"], 0)
        d = self.c.get(att["url"])
        self.assertStatus(d, 200)
        self.assertEqual(d.raw, b"")
        before = counts()
        self.assertError(self.post_files(n, [("empty.png", b"")]), 415,
                         "file_type_not_allowed")
        self.assertEqual(counts(), before)


if __name__ == "__main__":
    unittest.main()
