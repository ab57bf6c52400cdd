"""Files on tickets: multipart creates and replies, POST .../attachments,
downloads, limits and types, encryption at rest, visibility, DELETE.

Every rejected submission is checked to have stored nothing: the rows of
tickets, ticket_entries, attachments and attachment_chunks are counted
before and after (the API tests run one at a time, so the counts are
stable)."""

import hashlib
import http.client
import os
import socket
import struct
import time
import unittest
import uuid

from tixclient import (ApiTestCase, Client, create_ticket, login, make_user,
                       psql, psql_int, require_env, ticket_body, ticket_int)

MIB = 1024 * 1024
LIMIT = 10 * MIB

PNG = b"\x89PNG\r\n\x1a\n" + b"\0\0\0\rIHDR" + os.urandom(3000)
JPEG = b"\xff\xd8\xff\xe0\0\x10JFIF\0" + os.urandom(2000)
GIF = b"GIF89a\1\0\1\0\x80\0\0" + os.urandom(500) + b";"
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
TEXT = "h\u00e9llo w\u00f6rld \u20ac \U0001F600\n".encode() * 50
PE = b"MZ\x90\0\3\0\0\0\4\0\0\0\xff\xff\0\0" + b"\0" * 100
ELF = b"\x7fELF\2\1\1\0\0\0\0\0\0\0\0\0" + b"\0" * 100


def multipart(parts, boundary=None):
    """parts: (name, filename or None, bytes or str[, content type]).
    Returns (body, content type)."""
    boundary = boundary or "tixb-" + uuid.uuid4().hex
    out = []
    for p in parts:
        name, filename, data = p[0], p[1], p[2]
        ctype = p[3] if len(p) > 3 else "application/octet-stream"
        if isinstance(data, str):
            data = data.encode("utf-8")
        disp = 'form-data; name="%s"' % name
        head = "--%s\r\nContent-Disposition: %s" % (boundary, disp)
        if filename is not None:
            head += '; filename="%s"' % filename
            head += "\r\nContent-Type: %s" % ctype
        out.append(head.encode("utf-8") + b"\r\n\r\n" + data + b"\r\n")
    out.append(("--%s--\r\n" % boundary).encode())
    return b"".join(out), "multipart/form-data; boundary=" + boundary


def ticket_parts(files, **fields):
    body = ticket_body(**fields)
    parts = [(k, None, v) for k, v in body.items()]
    return parts + [("attachments", n, d) + tuple(rest)
                    for n, d, *rest in files]


def sha(data):
    return hashlib.sha256(data).hexdigest()


def counts():
    return psql("SELECT (SELECT count(*) FROM tickets) || ','"
                " || (SELECT count(*) FROM ticket_entries) || ','"
                " || (SELECT count(*) FROM attachments) || ','"
                " || (SELECT count(*) FROM attachment_chunks)")


def fastcgi(sock_path, params, stdin, close_early=False):
    """One FastCGI request straight to a worker: params, then stdin as
    given (no end-of-stream record and a closed socket with close_early).
    Returns the worker's stdout bytes."""
    def record(rtype, content, rid=1):
        return struct.pack(">BBHHBx", 1, rtype, rid, len(content),
                           0) + content

    def pairs(d):
        out = b""
        for k, v in d.items():
            k, v = k.encode(), v.encode()
            for x in (k, v):
                out += (struct.pack(">B", len(x)) if len(x) < 128
                        else struct.pack(">I", len(x) | 0x80000000))
            out += k + v
        return out

    s = socket.socket(socket.AF_UNIX)
    s.settimeout(60)
    s.connect(sock_path)
    s.sendall(record(1, struct.pack(">HB5x", 1, 0)))      # BEGIN_REQUEST
    s.sendall(record(4, pairs(params)) + record(4, b""))  # PARAMS
    for i in range(0, len(stdin), 32768):
        s.sendall(record(5, stdin[i:i + 32768]))           # STDIN
    if close_early:
        s.close()
        return b""
    s.sendall(record(5, b""))
    out = b""
    buf = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        buf += chunk
        while len(buf) >= 8:
            _, rtype, _, clen, plen = struct.unpack(">BBHHB", buf[:7])
            if len(buf) < 8 + clen + plen:
                break
            if rtype == 6:
                out += buf[8:8 + clen]
            buf = buf[8 + clen + plen:]
            if rtype == 3:                                  # END_REQUEST
                s.close()
                return out
    s.close()
    return out


class AttachmentsTest(ApiTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = make_user("customer")
        cls.other = make_user("customer")
        cls.agent = make_user("agent")
        cls.admin = make_user("admin")
        cls.c = login(cls.customer)
        cls.o = login(cls.other)
        cls.a = login(cls.agent)
        cls.adm = login(cls.admin)

    # -- helpers

    def post_mp(self, client, path, parts, boundary=None, **kw):
        body, ctype = multipart(parts, boundary)
        return client.post(path, raw=body, content_type=ctype, **kw)

    def create_with(self, files, client=None, **fields):
        r = self.post_mp(client or self.c, "/api/tickets",
                         ticket_parts(files, **fields))
        self.assertJson(r, 201)
        return r.body["ticket"]

    def assertNothingStored(self, before):
        self.assertEqual(counts(), before)

    def assertRejected(self, client, path, parts, status, code,
                       boundary=None, raw=None, content_type=None):
        before = counts()
        if raw is not None:
            r = client.post(path, raw=raw, content_type=content_type)
        else:
            r = self.post_mp(client, path, parts, boundary)
        self.assertError(r, status, code)
        self.assertNothingStored(before)
        return r

    def download(self, client, att, **kw):
        return client.get(att["url"], **kw)

    def assertAttachment(self, att):
        self.assertEqual(set(att), {"id", "filename", "content_type",
                                    "size", "created_at", "url"})
        self.assertIsInstance(att["id"], int)
        self.assertIsInstance(att["size"], int)
        self.assertTime(att["created_at"])

    # -- round trips

    def test_round_trip_every_type(self):
        files = [("a.png", PNG, "image/png"), ("b.JPG", JPEG, "image/jpeg"),
                 ("c.jpeg", JPEG[:100], "image/jpeg"),
                 ("d.gif", GIF, "image/gif"), ("e.pdf", PDF, "application/pdf")]
        texts = [("f.txt", TEXT), ("g.log", b"line 1\nline 2\n"),
                 ("h.json", b'{"a": 1}'), ("i.xml", b"<a>\xc3\xa9</a>"),
                 ("j.yml", b"a: 1\n"), ("k.yaml", b"b: [1, 2]\n"),
                 ("empty.txt", b"")]
        t = self.create_with([(n, d) for n, d, _ in files])
        self.assertDetail(t)
        self.assertEqual(t["attachment_count"], 5)
        self.assertEqual(len(t["attachments"]), 5)
        self.assertEqual(t["timeline"][0]["attachments"], t["attachments"])
        for att, (name, data, ctype) in zip(t["attachments"], files):
            self.assertAttachment(att)
            self.assertEqual(att["filename"], name)
            self.assertEqual(att["content_type"], ctype)
            self.assertEqual(att["size"], len(data))
            self.assertEqual(att["url"], "/api/tickets/%s/attachments/%d"
                             % (t["number"], att["id"]))
            r = self.download(self.c, att)
            self.assertStatus(r, 200)
            self.assertEqual(sha(r.raw), sha(data), name)
            self.assertEqual(r.headers["Content-Type"], ctype)
        # Text files: a reply with five, then the attachments route.
        r = self.post_mp(self.c, "/api/tickets/%s/messages" % t["number"],
                         [("body", None, "here are logs")] +
                         [("attachments", n, d) for n, d in texts[:5]])
        body = self.assertJson(r, 201)
        self.assertEqual([a["filename"] for a in body["entry"]["attachments"]],
                         [n for n, _ in texts[:5]])
        self.assertEqual(body["ticket"]["attachment_count"], 10)
        r = self.post_mp(self.c, "/api/tickets/%s/attachments" % t["number"],
                         [("attachments", n, d) for n, d in texts[5:]])
        body = self.assertJson(r, 201)
        self.assertEqual(set(body), {"attachments"})
        self.assertEqual(len(body["attachments"]), 2)
        detail = self.c.get("/api/tickets/" + t["number"]).json()["ticket"]
        self.assertEqual(detail["attachment_count"], 12)
        self.assertEqual(detail["timeline"][-1]["type"], "attachment_added")
        self.assertEqual(detail["timeline"][-1]["attachments"],
                         body["attachments"])
        by_name = {a["filename"]: a for a in detail["attachments"]}
        for name, data in texts:
            att = by_name[name]
            self.assertEqual(att["content_type"], "text/plain; charset=utf-8")
            r = self.download(self.c, att)
            self.assertStatus(r, 200)
            self.assertEqual(sha(r.raw), sha(data), name)
        listed = self.c.get("/api/tickets", query={"q": t["number"]}).json()
        self.assertEqual(listed["tickets"][0]["attachment_count"], 12)

    def test_exactly_the_limit(self):
        t = create_ticket(self.c)
        data = b"\x89PNG\r\n\x1a\n" + os.urandom(LIMIT - 8)
        r = self.post_mp(self.c, "/api/tickets/%s/attachments" % t["number"],
                         [("attachments", "big.png", data)])
        att = self.assertJson(r, 201)["attachments"][0]
        self.assertEqual(att["size"], LIMIT)
        r = self.download(self.a, att)
        self.assertStatus(r, 200)
        self.assertEqual(r.headers["Content-Length"], str(LIMIT))
        self.assertEqual(sha(r.raw), sha(data))
        self.assertEqual(psql_int(
            "SELECT nchunks FROM attachments WHERE id = :'p1'", att["id"]),
            LIMIT // (64 * 1024))

    def test_one_byte_over_the_limit(self):
        data = b"\x89PNG\r\n\x1a\n" + b"\0" * (LIMIT - 7)
        self.assertRejected(self.c, "/api/tickets",
                            ticket_parts([("big.png", data)]), 413,
                            "file_too_large")

    def test_six_files(self):
        self.assertRejected(self.c, "/api/tickets",
                            ticket_parts([("%d.txt" % i, b"x")
                                          for i in range(6)]),
                            422, "too_many_files")

    def test_types_not_allowed(self):
        t = create_ticket(self.c)
        path = "/api/tickets/%s/attachments" % t["number"]
        for name, data in (("pe.png", PE), ("elf.png", ELF),
                           ("elf.txt", ELF), ("pe.pdf", PE),
                           ("setup.exe", b"just text"),
                           ("page.html", b"<script>alert(1)</script>"),
                           ("x.svg", b"<svg onload=alert(1)/>"),
                           ("noext", b"text"),
                           ("nul.txt", b"text with a \0 NUL"),
                           ("latin1.txt", b"caf\xe9"),
                           ("fake.png", b"GIF89a not a png"),
                           ("fake.pdf", b"<html>"),
                           ("empty.png", b"")):
            with self.subTest(name=name):
                self.assertRejected(self.c, path,
                                    [("attachments", name, data)],
                                    415, "file_type_not_allowed")
        # One bad file among good ones rejects the whole ticket.
        self.assertRejected(self.c, "/api/tickets", ticket_parts(
            [("ok.png", PNG), ("bad.png", ELF)]), 415,
            "file_type_not_allowed")

    def test_client_type_is_ignored(self):
        t = self.create_with([("a.png", PNG, "text/html")])
        att = t["attachments"][0]
        self.assertEqual(att["content_type"], "image/png")
        self.assertEqual(self.download(self.c, att).headers["Content-Type"],
                         "image/png")

    def test_malformed_multipart(self):
        good, ctype = multipart(ticket_parts([("a.txt", b"x")]), "bnd")
        cases = [
            ("no boundary", good, "multipart/form-data"),
            ("empty boundary", good, "multipart/form-data; boundary="),
            ("wrong boundary", good, "multipart/form-data; boundary=other"),
            ("no closing boundary", good[:good.rindex(b"--bnd--")],
             ctype),
            ("cut short", good[:len(good) // 2], ctype),
            ("oversize part headers", b"--bnd\r\nContent-Disposition: "
             b"form-data; name=\"subject\"\r\nX-Pad: " + b"a" * 9000 +
             b"\r\n\r\nx\r\n--bnd--\r\n", ctype),
            ("part without a name", b"--bnd\r\nContent-Disposition: "
             b"form-data\r\n\r\nx\r\n--bnd--\r\n", ctype),
            ("no Content-Disposition", b"--bnd\r\n\r\nx\r\n--bnd--\r\n",
             ctype),
            ("empty body", b"", ctype),
        ]
        for what, raw, ct in cases:
            with self.subTest(what=what):
                self.assertRejected(self.c, "/api/tickets", None, 400,
                                    "bad_request", raw=raw, content_type=ct)
        parts = ticket_parts([("a.txt", b"x")])
        self.assertRejected(self.c, "/api/tickets",
                            parts + [("unknown", None, "x")], 400,
                            "bad_request")
        self.assertRejected(self.c, "/api/tickets",
                            parts + [("subject", None, "again")], 400,
                            "bad_request")
        self.assertRejected(self.c, "/api/tickets",
                            parts + [("attachments", None, "no filename")],
                            400, "bad_request")
        self.assertRejected(self.c, "/api/tickets",
                            parts + [("description", "a.txt", "x")], 400,
                            "bad_request")

    def test_fields_follow_the_json_rules(self):
        before = counts()
        r = self.post_mp(self.c, "/api/tickets", [
            ("subject", None, "two\nlines"), ("description", None, "d"),
            ("category", None, "nope"), ("attachments", "a.txt", b"x")])
        self.assertError(r, 422, "validation_failed",
                         fields=["subject", "category"])
        self.assertNothingStored(before)
        t = create_ticket(self.c)
        path = "/api/tickets/%s/messages" % t["number"]
        # A customer's internal note: 403, nothing stored.
        self.assertRejected(self.c, path, [
            ("body", None, "secret"), ("internal", None, "true"),
            ("attachments", "a.txt", b"x")], 403, "forbidden")
        # "internal" must be true or false.
        self.assertRejected(self.a, path, [
            ("body", None, "x"), ("internal", None, "yes")], 400,
            "bad_request")
        # Someone else's ticket: 404 before anything is stored.
        self.assertRejected(self.o, path, [
            ("body", None, "x"), ("attachments", "a.txt", b"x")], 404,
            "not_found")
        self.assertRejected(self.o, "/api/tickets/%s/attachments"
                            % t["number"], [("attachments", "a.txt", b"x")],
                            404, "not_found")
        self.assertRejected(self.c, "/api/tickets/%s/attachments"
                            % t["number"], [], 422, "validation_failed")
        self.assertRejected(self.c, "/api/tickets/%s/attachments"
                            % t["number"], None, 415,
                            "unsupported_media_type", raw=b"{}",
                            content_type="application/json")
        # A closed ticket takes no files: reopen it first.
        closed = create_ticket(self.c)
        self.assertStatus(self.c.patch("/api/tickets/" + closed["number"],
                                       {"status": "closed"}), 200)
        self.assertRejected(self.c, "/api/tickets/%s/attachments"
                            % closed["number"],
                            [("attachments", "a.txt", b"x")], 409,
                            "ticket_closed")

    def test_multipart_without_files(self):
        r = self.post_mp(self.c, "/api/tickets", ticket_parts([]))
        t = self.assertJson(r, 201)["ticket"]
        self.assertEqual(t["attachments"], [])
        self.assertEqual(t["attachment_count"], 0)

    # -- disconnects

    def test_client_disconnects_mid_upload(self):
        """Through nginx: the client sends half the body and goes away."""
        t = create_ticket(self.c)
        before = counts()
        body, ctype = multipart([("attachments", "a.png",
                                  b"\x89PNG\r\n\x1a\n" + os.urandom(MIB))])
        base = require_env("TIX_TEST_BASE_URL")
        conn = http.client.HTTPConnection(base.split("//")[1], timeout=30)
        conn.putrequest("POST", "/api/tickets/%s/attachments" % t["number"])
        conn.putheader("Content-Type", ctype)
        conn.putheader("Content-Length", str(len(body)))
        conn.putheader("Cookie", "tix_session=" + self.c.session_cookie)
        conn.putheader("X-CSRF-Token", self.c.csrf_token)
        conn.endheaders()
        conn.send(body[:len(body) // 2])
        conn.close()
        time.sleep(1)
        self.assertNothingStored(before)

    def fcgi_params(self, path, body_len, ctype, token):
        return {"REQUEST_METHOD": "POST", "DOCUMENT_URI": path,
                "REQUEST_URI": path, "QUERY_STRING": "",
                "CONTENT_TYPE": ctype, "CONTENT_LENGTH": str(body_len),
                "HTTP_AUTHORIZATION": "Bearer " + token,
                "REMOTE_ADDR": "127.0.0.1", "REQUEST_ID": uuid.uuid4().hex}

    def test_short_stdin_leaves_nothing(self):
        """Straight to the worker: a body shorter than its
        Content-Length, ended cleanly or by a closed socket, after
        some chunks were already stored."""
        _, token = self.c.new_token()
        body, ctype = multipart(ticket_parts(
            [("a.png", b"\x89PNG\r\n\x1a\n" + os.urandom(2 * MIB))]))
        sock = require_env("TIX_TEST_TICKETS_SOCKET")
        before = counts()
        out = fastcgi(sock, self.fcgi_params("/api/tickets", len(body),
                                             ctype, token),
                      body[:len(body) - 1000])
        self.assertIn(b"Status: 400", out)
        self.assertNothingStored(before)
        fastcgi(sock, self.fcgi_params("/api/tickets", len(body), ctype,
                                       token),
                body[:len(body) // 2], close_early=True)
        time.sleep(1)
        self.assertNothingStored(before)
        # The worker is fine afterwards.
        out = fastcgi(sock, self.fcgi_params("/api/tickets", len(body),
                                             ctype, token), body)
        self.assertIn(b"Status: 201", out)

    # -- storage

    def test_stored_encrypted(self):
        marker = "TIXMARKER-" + uuid.uuid4().hex
        data = ((marker + " some plain text\n") * 5000).encode()
        t = self.create_with([("plain.txt", data), ("img.png",
                              PNG + marker.encode())])
        n = psql_int(
            "SELECT count(*) FROM attachment_chunks c JOIN attachments a"
            " ON a.id = c.attachment_id WHERE a.ticket_id ="
            " (SELECT id FROM tickets WHERE number = :'p1')",
            ticket_int(t["number"]))
        self.assertGreaterEqual(n, 3)
        self.assertEqual(psql_int(
            "SELECT count(*) FROM attachment_chunks"
            " WHERE position(convert_to(:'p1', 'UTF8') IN data) > 0"
            " OR position(convert_to(:'p2', 'UTF8') IN data) > 0",
            marker, "some plain text"), 0)
        self.assertEqual(psql_int(
            "SELECT count(*) FROM attachment_chunks"
            " WHERE position('\\x89504e470d0a1a0a'::bytea IN data) > 0"), 0)
        for att, want in zip(t["attachments"], (data, PNG + marker.encode())):
            self.assertEqual(sha(self.download(self.c, att).raw), sha(want))

    def tamper(self, att_id, seq):
        psql("UPDATE attachment_chunks SET data = set_byte(data, 30,"
             " get_byte(data, 30) # 1) WHERE attachment_id = :'p1'"
             " AND seq = :'p2'", att_id, seq)

    def test_tampered_chunk_is_never_served(self):
        data = b"\x89PNG\r\n\x1a\n" + os.urandom(300 * 1024)
        t = self.create_with([("one.png", data), ("two.png", data)])
        first, later = t["attachments"]
        self.tamper(first["id"], 0)
        r = self.download(self.c, first)
        self.assertError(r, 500, "internal")
        self.assertNotIn(data[:1000], r.raw)
        # A later chunk: the headers are out, the body ends short.
        self.tamper(later["id"], 2)
        base = require_env("TIX_TEST_BASE_URL")
        conn = http.client.HTTPConnection(base.split("//")[1], timeout=30)
        conn.request("GET", later["url"], headers={
            "Cookie": "tix_session=" + self.c.session_cookie})
        resp = conn.getresponse()
        self.assertEqual(resp.status, 200)
        self.assertEqual(resp.getheader("Content-Length"), str(len(data)))
        with self.assertRaises(http.client.IncompleteRead) as cm:
            resp.read()
        conn.close()
        got = cm.exception.partial
        self.assertLessEqual(len(got), 2 * 64 * 1024)
        self.assertEqual(got, data[:len(got)])
        log = os.path.join(require_env("TIX_TEST_LOG_DIR"), "tix-files.log")
        with open(log, encoding="utf-8", errors="replace") as f:
            text = f.read()
        self.assertIn("attachment %d: chunk 0 failed" % first["id"], text)
        self.assertIn("attachment %d: chunk 2 failed" % later["id"], text)
        # Moving a chunk to another file does not work either.
        t2 = self.create_with([("three.png", data), ("four.png", data)])
        a3, a4 = t2["attachments"]
        psql("UPDATE attachment_chunks SET data = (SELECT data FROM"
             " attachment_chunks WHERE attachment_id = :'p1' AND seq = 0)"
             " WHERE attachment_id = :'p2' AND seq = 0", a3["id"], a4["id"])
        self.assertError(self.download(self.c, a4), 500, "internal")
        self.assertEqual(sha(self.download(self.c, a3).raw), sha(data))

    # -- downloads

    def test_download_headers(self):
        # (A quote inside a quoted file name is sent as %22 by browsers;
        # a literal one would end the value: single quotes here.)
        t = self.create_with([("../dir/'r\u00e9sum\u00e9' 1;x.txt", TEXT,
                               "text/html")])
        att = t["attachments"][0]
        self.assertEqual(att["filename"], "r\u00e9sum\u00e9 1;x.txt")
        r = self.download(self.c, att)
        self.assertStatus(r, 200)
        h = r.headers
        self.assertEqual(h["Content-Disposition"],
                         "attachment; filename*=UTF-8''r%C3%A9sum%C3%A9%201"
                         "%3Bx.txt")
        self.assertEqual(h.get_all("Content-Disposition"),
                         [h["Content-Disposition"]])
        self.assertEqual(h.get_all("X-Content-Type-Options"), ["nosniff"])
        self.assertEqual(h.get_all("Content-Security-Policy"), ["sandbox"])
        self.assertEqual(h["Content-Type"], "text/plain; charset=utf-8")
        self.assertEqual(h["Content-Length"], str(len(TEXT)))
        self.assertEqual(h["ETag"], '"%s"' % sha(TEXT))
        # A customer's file is kept by no cache, the browser's included.
        self.assertEqual(h.get_all("Cache-Control"), ["private, no-store"])
        self.assertEqual(r.raw, TEXT)
        r = self.download(self.c, att, headers={"If-None-Match": h["ETag"]})
        self.assertStatus(r, 304)
        self.assertEqual(r.raw, b"")
        self.assertEqual(r.headers["ETag"], h["ETag"])
        r = self.download(self.c, att, headers={
            "If-None-Match": 'W/"x", ' + h["ETag"]})
        self.assertStatus(r, 304)
        r = self.download(self.c, att, headers={"If-None-Match": '"x"'})
        self.assertStatus(r, 200)
        # HEAD: the headers only.
        r = self.c.request("HEAD", att["url"])
        self.assertStatus(r, 200)
        self.assertEqual(r.raw, b"")

    def test_download_scope(self):
        t = self.create_with([("mine.txt", b"mine")])
        att = t["attachments"][0]
        mine_other = self.create_with([("theirs.txt", b"theirs")],
                                      client=self.o)
        r = self.download(self.o, att)
        self.assertError(r, 404, "not_found")
        # Their own ticket number with my attachment id: 404 too.
        r = self.o.get("/api/tickets/%s/attachments/%d"
                       % (mine_other["number"], att["id"]))
        self.assertError(r, 404, "not_found")
        for bad in ("0", "-1", "abc", "99999999999", "1.0"):
            r = self.c.get("/api/tickets/%s/attachments/%s"
                           % (t["number"], bad))
            self.assertError(r, 404, "not_found")
        self.assertStatus(self.download(self.a, att), 200)
        r = Client().get(att["url"])
        self.assertError(r, 401, "unauthenticated")

    def test_internal_note_files_are_invisible_to_customers(self):
        t = self.create_with([("public.txt", b"public")])
        path = "/api/tickets/%s/messages" % t["number"]
        r = self.post_mp(self.a, path, [
            ("body", None, "internal analysis"), ("internal", None, "true"),
            ("attachments", "secret.txt", b"secret")])
        entry = self.assertJson(r, 201)["entry"]
        self.assertEqual(entry["type"], "note")
        secret = entry["attachments"][0]
        self.assertEqual(secret["filename"], "secret.txt")
        staff = self.a.get("/api/tickets/" + t["number"]).json()["ticket"]
        self.assertEqual(staff["attachment_count"], 2)
        self.assertEqual(len(staff["attachments"]), 2)
        mine = self.c.get("/api/tickets/" + t["number"]).json()["ticket"]
        self.assertEqual(mine["attachment_count"], 1)
        self.assertEqual([a["filename"] for a in mine["attachments"]],
                         ["public.txt"])
        for e in mine["timeline"]:
            self.assertNotEqual(e["type"], "note")
            for a in e["attachments"]:
                self.assertNotEqual(a["id"], secret["id"])
        listed = self.c.get("/api/tickets", query={"q": t["number"]}).json()
        self.assertEqual(listed["tickets"][0]["attachment_count"], 1)
        listed = self.a.get("/api/tickets", query={"q": t["number"]}).json()
        self.assertEqual(listed["tickets"][0]["attachment_count"], 2)
        self.assertError(self.download(self.c, secret), 404, "not_found")
        self.assertEqual(self.download(self.a, secret).raw, b"secret")

    # -- deleting

    def test_delete_ticket(self):
        t = self.create_with([("a.png", PNG), ("b.txt", TEXT)])
        number = t["number"]
        self.post_mp(self.a, "/api/tickets/%s/messages" % number, [
            ("body", None, "note"), ("internal", None, "true"),
            ("attachments", "c.txt", b"c")])
        tid = psql_int("SELECT id FROM tickets WHERE number = :'p1'",
                       ticket_int(number))

        def rows():
            return psql(
                "SELECT (SELECT count(*) FROM tickets WHERE id = :'p1')"
                " || ',' || (SELECT count(*) FROM ticket_entries"
                "  WHERE ticket_id = :'p1')"
                " || ',' || (SELECT count(*) FROM attachments"
                "  WHERE ticket_id = :'p1')"
                " || ',' || (SELECT count(*) FROM attachment_chunks c"
                "  JOIN attachments a ON a.id = c.attachment_id"
                "  WHERE a.ticket_id = :'p1')", tid)

        self.assertEqual(rows(), "1,2,3,3")
        self.assertError(self.a.delete("/api/tickets/" + number), 403,
                         "forbidden")
        self.assertError(self.c.delete("/api/tickets/" + number), 403,
                         "forbidden")
        self.assertError(self.o.delete("/api/tickets/" + number), 404,
                         "not_found")
        self.assertEqual(rows(), "1,2,3,3")
        before = counts().split(",")
        r = self.adm.delete("/api/tickets/" + number)
        self.assertStatus(r, 204)
        self.assertEqual(rows(), "0,0,0,0")
        after = counts().split(",")
        self.assertEqual([int(b) - int(a) for a, b in zip(after, before)],
                         [1, 2, 3, 3])
        self.assertError(self.c.get("/api/tickets/" + number), 404,
                         "not_found")
        self.assertError(self.download(self.c, t["attachments"][0]), 404,
                         "not_found")
        self.assertError(self.adm.delete("/api/tickets/" + number), 404,
                         "not_found")

    # -- nginx

    def test_nginx_body_limit(self):
        t = create_ticket(self.c)
        base = require_env("TIX_TEST_BASE_URL")
        for path in ("/api/tickets", "/api/tickets/%s/messages" % t["number"],
                     "/api/tickets/%s/attachments" % t["number"]):
            conn = http.client.HTTPConnection(base.split("//")[1],
                                              timeout=30)
            conn.putrequest("POST", path)
            conn.putheader("Content-Type",
                           "multipart/form-data; boundary=x")
            conn.putheader("Content-Length", str(52 * MIB + 1))
            conn.putheader("Cookie", "tix_session=" + self.c.session_cookie)
            conn.putheader("X-CSRF-Token", self.c.csrf_token)
            conn.endheaders()
            resp = conn.getresponse()
            raw = resp.read()
            conn.close()
            self.assertEqual(resp.status, 413, path)
            self.assertIn(b'"code":"body_too_large"', raw)
            self.assertTrue(resp.getheader("Content-Type", "")
                            .startswith("application/json"))


if __name__ == "__main__":
    unittest.main()
