"""Password reset by e-mail: 202 for any address, the mail read from a
real SMTP server (aiosmtpd), a single-use token that expires after an
hour, every session ending, 2FA staying on, and the requests limited
per client address."""

import hashlib
import re
import unittest

from test_notify import Sink, run_notify
from test_twofactor import set_up_2fa
from tixclient import (strong_password, ApiTestCase, Client, SESSION_COOKIE, disable_user,
                       fresh_address, login, make_user, psql, psql_int,
                       require_env, unique)

LINK = re.compile(r"(https?://\S+)/reset-password\?token=([A-Za-z0-9_-]+)")


strong = strong_password


def reset_rows(email):
    return psql_int("SELECT count(*) FROM outbox WHERE kind = "
                    "'password_reset' AND recipient = lower(:'p1')", email)


class ResetTest(ApiTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sink = Sink().start()

    @classmethod
    def tearDownClass(cls):
        cls.sink.stop()
        super().tearDownClass()

    def request(self, email, source=None):
        return Client(source=source).post("/api/auth/password-reset",
                                          {"email": email})

    def mailed_token(self, user):
        """Send the outbox; the token of the one new reset mail to
        user."""
        before = len(self.sink.mails(to=user.email))
        run_notify(self.sink.url)
        got = self.sink.mails(to=user.email)
        self.assertEqual(len(got), before + 1, [m["Subject"] for m in got])
        m = got[-1]
        self.assertEqual(m["Subject"], "Reset your password")
        self.assertIsNone(m["Reply-To"])
        self.assertIsNone(m["References"])
        self.assertIn(".account@", m["Message-ID"])
        match = LINK.search(m.text)
        self.assertIsNotNone(match, m.text)
        self.assertEqual(match.group(1).rstrip("/"),
                         require_env("TIX_PUBLIC_BASE_URL").rstrip("/"))
        self.assertIn("one hour", m.text)
        return match.group(2)

    def confirm(self, token, password):
        return Client().post("/api/auth/password-reset/confirm",
                             {"token": token, "new_password": password})

    def test_reset_flow(self):
        user = make_user("customer")
        a, b = login(user), login(user)
        r = self.request(user.email.upper())
        self.assertStatus(r, 202)
        self.assertEqual(r.raw, b"")
        self.assertSecurityHeaders(r)
        token = self.mailed_token(user)
        # Kept hashed only.
        self.assertEqual(psql_int(
            "SELECT count(*) FROM password_resets WHERE token_hash ="
            " decode(:'p1', 'hex')", hashlib.sha256(token.encode())
            .hexdigest()), 1)
        self.assertEqual(psql_int(
            "SELECT count(*) FROM password_resets WHERE"
            " position(convert_to(:'p1', 'UTF8') IN token_hash) > 0",
            token), 0)
        # A weak password: 422, and the token still works after.
        r = self.confirm(token, "password123")
        self.assertError(r, 422, "validation_failed", fields=["new_password"])
        r = self.confirm(token, user.email)
        self.assertError(r, 422, "validation_failed", fields=["new_password"])
        self.assertStatus(a.get("/api/auth/me"), 200)
        new = strong()
        r = self.confirm(token, new)
        self.assertStatus(r, 204)
        self.assertIsNone(r.cookie(SESSION_COOKIE))
        for c in (a, b):
            self.assertError(c.get("/api/auth/me"), 401, "unauthenticated")
        self.assertError(Client().login(user.email, user.password,
                                        check=False), 401,
                         "invalid_credentials")
        login(user.email, new)
        # Once only.
        r = self.confirm(token, strong())
        self.assertError(r, 422, "validation_failed", fields=["token"])
        login(user.email, new)

    def test_any_address_gets_202(self):
        gone = make_user("customer")
        disable_user(gone.email)
        nobody = "nobody-%s@example.com" % unique("r")
        answers = []
        for email in (nobody, gone.email):
            r = self.request(email)
            self.assertStatus(r, 202)
            answers.append((r.raw, r.headers.get("Content-Type")))
            self.assertEqual(reset_rows(email), 0)
        known = make_user("customer")
        r = self.request(known.email)
        self.assertStatus(r, 202)
        self.assertEqual((r.raw, r.headers.get("Content-Type")), answers[0])
        self.assertEqual(answers[0], answers[1])
        self.assertEqual(reset_rows(known.email), 1)

    def test_token_expires_after_an_hour(self):
        user = make_user("customer")
        self.assertStatus(self.request(user.email), 202)
        token = self.mailed_token(user)
        psql("UPDATE password_resets SET created_at = now()"
             " - interval '61 minutes' WHERE user_id = (SELECT id FROM users"
             " WHERE email = :'p1')", user.email)
        r = self.confirm(token, strong())
        self.assertError(r, 422, "validation_failed", fields=["token"])
        login(user)

    def test_using_one_link_voids_the_others(self):
        user = make_user("customer")
        self.request(user.email)
        first = self.mailed_token(user)
        self.request(user.email)
        second = self.mailed_token(user)
        self.assertNotEqual(first, second)
        self.assertStatus(self.confirm(second, strong()), 204)
        r = self.confirm(first, strong())
        self.assertError(r, 422, "validation_failed", fields=["token"])

    def test_bad_tokens_and_bodies(self):
        for token in ("nope", "x" * 43, "A" * 300):
            with self.subTest(token=token[:10]):
                r = self.confirm(token, strong())
                self.assertError(r, 422, "validation_failed",
                                 fields=["token"])
        c = Client()
        r = c.post("/api/auth/password-reset", {})
        self.assertError(r, 422, "validation_failed", fields=["email"])
        r = c.post("/api/auth/password-reset", {"email": ["a@b.c"]})
        self.assertError(r, 400, "bad_request")
        r = c.post("/api/auth/password-reset/confirm",
                   {"new_password": strong()})
        self.assertError(r, 422, "validation_failed", fields=["token"])
        r = c.post("/api/auth/password-reset/confirm", {"token": "x"})
        self.assertError(r, 422, "validation_failed",
                         fields=["new_password"])

    def test_reset_keeps_2fa(self):
        user = make_user("agent")
        set_up_2fa(user)
        self.request(user.email)
        new = strong()
        self.assertStatus(self.confirm(self.mailed_token(user), new), 204)
        r = Client().post("/api/auth/login", {"email": user.email,
                                              "password": new})
        body = self.assertJson(r, 200)
        self.assertIs(body.get("two_factor_required"), True)
        self.assertIsNone(r.cookie(SESSION_COOKIE))

    def test_requests_are_limited_per_address(self):
        user = make_user("customer")
        addr = fresh_address()
        for _ in range(5):
            self.assertStatus(self.request(user.email, addr), 202)
        r = self.request(user.email, addr)
        self.assertError(r, 429, "rate_limited")
        self.assertTrue((r.headers.get("Retry-After") or "").isdigit())
        self.assertEqual(reset_rows(user.email), 5)
        # Another address is not held back; nor is the user's login.
        self.assertStatus(self.request(user.email, fresh_address()), 202)
        login(user, source=addr)
        # 30 addresses from one client address, then 429 for any.
        spray = fresh_address()
        for i in range(30):
            self.assertStatus(self.request(
                "n%d-%s@example.com" % (i, unique("s")), spray), 202)
        self.assertError(self.request(make_user("customer").email, spray),
                         429, "rate_limited")


if __name__ == "__main__":
    unittest.main()
