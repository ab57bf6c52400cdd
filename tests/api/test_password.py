"""Changing one's password: the policy, the current password, and the
other sessions ending."""

import unittest

from tixclient import (strong_password, ApiTestCase, Client, fresh_address, login, make_user,
                       psql)


strong = strong_password


class PasswordChangeTest(ApiTestCase):

    def change(self, c, current, new, **kw):
        return c.post("/api/me/password", {"current_password": current,
                                           "new_password": new}, **kw)

    def test_change_ends_other_sessions(self):
        user = make_user("customer")
        c, other = login(user), login(user)
        _, token = c.new_token()
        new = strong()
        r = self.change(c, user.password, new)
        self.assertStatus(r, 204)
        self.assertEqual(r.raw, b"")
        self.assertStatus(c.get("/api/auth/me"), 200)
        self.assertError(other.get("/api/auth/me"), 401, "unauthenticated")
        # API tokens are a secret of their own and stay.
        self.assertStatus(Client(token=token).get("/api/auth/me"), 200)
        self.assertError(Client().login(user.email, user.password,
                                        check=False), 401,
                         "invalid_credentials")
        login(user.email, new)

    def test_wrong_current_password(self):
        user = make_user("customer")
        c = login(user)
        before = psql("SELECT password_hash FROM users WHERE email = :'p1'",
                      user.email)
        r = self.change(c, user.password + "x", strong())
        err = self.assertError(r, 422, "validation_failed",
                               fields=["current_password"])
        self.assertNotIn("new_password", err["fields"])
        self.assertEqual(psql("SELECT password_hash FROM users"
                              " WHERE email = :'p1'", user.email), before)
        login(user)

    def test_policy(self):
        user = make_user("agent")
        c = login(user)
        cases = {
            "short": "Zq7-ck5vL",                     # 9 characters
            "long": "Zq7-ckb5vL9-" * 86,              # 1032
            "email": user.email,
            "email, other case": user.email.upper(),
            "dictionary": "password123",
            "keyboard": "qwertyuiop1",
            "same character": "aaaaaaaaaaaa",
            "sequence": "abcdefghijk",
            "user name": user.email.split("@")[0] + "x",
        }
        for name, pw in cases.items():
            with self.subTest(case=name):
                r = self.change(c, user.password, pw)
                err = self.assertError(r, 422, "validation_failed",
                                       fields=["new_password"])
                self.assertNotIn("current_password", err["fields"])
        r = self.change(c, user.password, "password123")
        msg = self.assertError(r, 422, "validation_failed")["fields"]
        self.assertIn("dictionary", msg["new_password"])
        # Both wrong: both named.
        r = self.change(c, "nope", "password123")
        self.assertError(r, 422, "validation_failed",
                         fields=["new_password", "current_password"])
        login(user)
        # The edges: 10 and 1024 characters pass.
        ten = "ckb5vL9-wq"
        self.assertStatus(self.change(c, user.password, ten), 204)
        long_pw = ("Zq7-ckb5vL9-wq2M" * 64)
        self.assertEqual(len(long_pw), 1024)
        self.assertStatus(self.change(c, ten, long_pw), 204)
        login(user.email, long_pw)

    def test_bad_requests(self):
        user = make_user("customer")
        c = login(user)
        r = self.change(c, user.password, strong(), csrf=None)
        self.assertError(r, 403, "csrf_failed")
        r = Client().post("/api/me/password", {"current_password": "x",
                                               "new_password": strong()})
        self.assertError(r, 401, "unauthenticated")
        r = c.post("/api/me/password", {"new_password": strong()})
        self.assertError(r, 422, "validation_failed",
                         fields=["current_password"])
        r = c.post("/api/me/password", {"current_password": user.password})
        self.assertError(r, 422, "validation_failed", fields=["new_password"])
        for body in ({"current_password": 1, "new_password": strong()},
                     {"current_password": user.password,
                      "new_password": ["x"]}, ["x"]):
            with self.subTest(body=body):
                self.assertError(c.post("/api/me/password", body), 400,
                                 "bad_request")
        login(user)

    def test_wrong_current_passwords_are_throttled(self):
        user = make_user("customer")
        addr = fresh_address()
        c = login(user, source=addr)
        for i in range(5):
            self.assertStatus(self.change(c, "wrong-%d" % i, strong()), 422)
        r = self.change(c, user.password, strong())
        self.assertError(r, 429, "rate_limited")
        self.assertTrue((r.headers.get("Retry-After") or "").isdigit())
        # From elsewhere, the same user still logs in.
        login(user, source=fresh_address())


if __name__ == "__main__":
    unittest.main()
