"""Personal API tokens: create, list, use as bearer, revoke."""

import unittest

from tixclient import (ApiTestCase, Client, count_tickets, login, make_user,
                       psql_int, ticket_body)


def count_tokens(email):
    return psql_int(
        "SELECT count(*) FROM api_tokens t JOIN users u ON u.id = t.user_id"
        " WHERE u.email = :'p1'", email)


def flip(s):
    i = len(s) // 2
    c = s[i]
    d = ("0" if c != "0" else "1") if c.isdigit() else \
        ("a" if c.lower() != "a" else "b") if c.isalpha() else "A"
    if c.isupper():
        d = d.upper()
    return s[:i] + d + s[i + 1:]


class TokenTest(ApiTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user = make_user("customer")
        cls.other = make_user("customer")
        cls.c = login(cls.user)
        cls.o = login(cls.other)

    def test_create_list_use_delete(self):
        r = self.c.post("/api/me/tokens", {"name": "CI script"})
        body = self.assertJson(r, 201)
        self.assertSecurityHeaders(r)
        self.assertEqual(set(body) >= {"id", "name", "token"}, True, body)
        self.assertEqual(body["name"], "CI script")
        token = body["token"]
        self.assertIsInstance(token, str)
        self.assertGreaterEqual(len(token), 20)
        tid = body["id"]

        r = self.c.get("/api/me/tokens")
        lst = self.assertJson(r, 200)
        self.assertNotIn(token.encode(), r.raw)
        rows = [t for t in lst["tokens"] if t["id"] == tid]
        self.assertEqual(len(rows), 1, lst)
        row = rows[0]
        self.assertLessEqual({"id", "name", "created_at", "last_used_at"},
                             set(row))
        self.assertNotIn("token", row)
        self.assertNotIn("token_hash", row)
        self.assertEqual(row["name"], "CI script")
        self.assertTime(row["created_at"])
        self.assertIsNone(row["last_used_at"])

        bearer = Client(token=token)
        r = bearer.get("/api/auth/me")
        me = self.assertJson(r, 200)
        self.assertUserObject(me["user"], self.user)

        r = self.c.get("/api/me/tokens")
        row = [t for t in r.body["tokens"] if t["id"] == tid][0]
        self.assertIsNotNone(row["last_used_at"])
        self.assertTime(row["last_used_at"])

        r = self.c.delete("/api/me/tokens/%s" % tid)
        self.assertStatus(r, 204)
        self.assertError(bearer.get("/api/auth/me"), 401, "unauthenticated")
        r = self.c.get("/api/me/tokens")
        self.assertEqual([t for t in r.body["tokens"] if t["id"] == tid], [])
        r = self.c.delete("/api/me/tokens/%s" % tid)
        self.assertError(r, 404, "not_found")

    def test_token_never_stored_in_clear(self):
        _, token = self.c.new_token()
        n = psql_int("SELECT count(*) FROM api_tokens WHERE "
                     "position(convert_to(:'p1', 'UTF8') in token_hash) > 0"
                     " OR encode(token_hash, 'escape') = :'p1'", token)
        self.assertEqual(n, 0)

    def test_list_only_own_tokens(self):
        oid, otoken = self.o.new_token("theirs")
        r = self.c.get("/api/me/tokens")
        self.assertJson(r, 200)
        self.assertNotIn(oid, [t["id"] for t in r.body["tokens"]])
        self.assertNotIn(otoken.encode(), r.raw)

    def test_delete_other_users_token_404(self):
        oid, otoken = self.o.new_token("theirs")
        r = self.c.delete("/api/me/tokens/%s" % oid)
        self.assertError(r, 404, "not_found")
        self.assertStatus(Client(token=otoken).get("/api/auth/me"), 200)
        r = self.c.delete("/api/me/tokens/999999999")
        self.assertError(r, 404, "not_found")
        r = self.c.delete("/api/me/tokens/abc")
        self.assertIn(r.status, (400, 404), r)

    def test_name_limits(self):
        r = self.c.post("/api/me/tokens", {"name": "n" * 100})
        self.assertStatus(r, 201)
        self.assertEqual(r.body["name"], "n" * 100)
        r = self.c.post("/api/me/tokens", {"name": "\u00e9" * 100})
        self.assertStatus(r, 201)
        before = count_tokens(self.user.email)
        for body in ({"name": "n" * 101}, {"name": ""}, {}):
            with self.subTest(body=body):
                r = self.c.post("/api/me/tokens", body)
                self.assertError(r, 422, "validation_failed",
                                 fields=["name"])
        for body in ({"name": 5}, {"name": ["x"]}, {"name": True}):
            with self.subTest(body=body):
                r = self.c.post("/api/me/tokens", body)
                self.assertError(r, 400, "bad_request")
        self.assertEqual(count_tokens(self.user.email), before)

    def test_bearer_needs_no_csrf(self):
        _, token = self.c.new_token()
        bearer = Client(token=token)
        before = count_tickets(self.user.email)
        r = bearer.post("/api/tickets", ticket_body())
        body = self.assertJson(r, 201)
        self.assertEqual(count_tickets(self.user.email), before + 1)
        created = body["ticket"]["timeline"][0]
        self.assertEqual(created["type"], "created")
        self.assertEqual(created["via"], "api")
        r = bearer.post("/api/me/tokens", {"name": "from bearer"})
        self.assertStatus(r, 201)
        r = bearer.put("/api/me/preferences", {"email_on_status": True})
        self.assertStatus(r, 200)

    def test_bad_tokens_401(self):
        tid, token = self.c.new_token()
        before = count_tickets(self.user.email)
        bad = ["", "x", "abc", token[:-3], token + "A", flip(token),
               "A" * 2000, "not a token"]
        for value in bad:
            with self.subTest(token=value[:40]):
                c = Client(token=value)
                self.assertError(c.get("/api/auth/me"), 401,
                                 "unauthenticated")
                self.assertError(c.post("/api/tickets", ticket_body()), 401,
                                 "unauthenticated")
        for header in ("Bearer", "Basic " + token, "Token " + token,
                       token, "Bearer  " + token + " x"):
            with self.subTest(header=header[:40]):
                r = Client().get("/api/auth/me",
                                 headers={"Authorization": header})
                self.assertError(r, 401, "unauthenticated")
        self.assertEqual(count_tickets(self.user.email), before)
        # The genuine token still works.
        self.assertStatus(Client(token=token).get("/api/auth/me"), 200)

    def test_revoked_token_401(self):
        tid, token = self.c.new_token()
        self.assertStatus(self.c.delete("/api/me/tokens/%s" % tid), 204)
        c = Client(token=token)
        self.assertError(c.get("/api/auth/me"), 401, "unauthenticated")
        self.assertError(c.get("/api/me/tokens"), 401, "unauthenticated")

    def test_delete_needs_csrf(self):
        tid, token = self.c.new_token()
        r = self.c.delete("/api/me/tokens/%s" % tid, csrf=None)
        self.assertError(r, 403, "csrf_failed")
        self.assertStatus(Client(token=token).get("/api/auth/me"), 200)

    def test_unauthenticated(self):
        c = Client()
        self.assertError(c.get("/api/me/tokens"), 401, "unauthenticated")
        self.assertError(c.post("/api/me/tokens", {"name": "x"}), 401,
                         "unauthenticated")


if __name__ == "__main__":
    unittest.main()
