"""Login, logout, sessions, CSRF, throttling and disabled users."""

import threading
import unittest

from tixclient import (ApiTestCase, Client, SESSION_COOKIE, count_tickets,
                       disable_user, fresh_address, login, make_user,
                       new_account_name, psql, psql_int, ticket_body, unique)

# The test stack's TIX_TRUSTED_PROXIES (scripts/lib/stack.sh).
TRUSTED_PROXY = "127.0.0.9"


def try_login(email, password, source=None, headers=None):
    return Client(source=source).post(
        "/api/auth/login", {"email": email, "password": password},
        headers=headers)


def failures(address, email=None):
    """Rows of login_failures for the address (and the e-mail)."""
    return psql_int(
        "SELECT count(*) FROM login_failures WHERE address = :'p1'"
        " AND (nullif(:'p2', '') IS NULL OR email = lower(:'p2'))",
        address, email or "")


def in_parallel(n, fn):
    """fn(i) for i in range(n) in n threads released at once; results
    in order."""
    out = [None] * n
    gate = threading.Barrier(n)

    def run(i):
        gate.wait()
        out[i] = fn(i)
    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return out


def flip(s):
    """s with one character in the middle changed (same alphabet)."""
    i = len(s) // 2
    c = s[i]
    if c.isdigit():
        d = "0" if c != "0" else "1"
    elif c.isalpha():
        d = "a" if c.lower() != "a" else "b"
        if c.isupper():
            d = d.upper()
    else:
        d = "A"
    return s[:i] + d + s[i + 1:]


class LoginTest(ApiTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = make_user("customer", timezone="Europe/Berlin")
        cls.agent = make_user("agent")

    def test_login_returns_user_csrf_and_cookie(self):
        c = Client()
        r = c.login(*self.customer)
        body = self.assertJson(r, 200)
        self.assertSecurityHeaders(r)
        self.assertUserObject(body["user"], self.customer)
        self.assertIsInstance(body["csrf_token"], str)
        self.assertGreaterEqual(len(body["csrf_token"]), 16)
        self.assertNotIn("password", r.raw.decode())
        cookie = r.cookie(SESSION_COOKIE)
        self.assertIsNotNone(cookie, "no %s cookie in %r" %
                             (SESSION_COOKIE, r.set_cookies))
        self.assertGreaterEqual(len(cookie["value"]), 16)
        self.assertNotEqual(cookie["value"], body["csrf_token"])
        attrs = cookie["attrs"]
        self.assertIn("httponly", attrs, cookie["raw"])
        self.assertEqual(str(attrs.get("samesite")).lower(), "strict",
                         cookie["raw"])
        self.assertEqual(attrs.get("path"), "/", cookie["raw"])
        self.assertNotIn("secure", attrs, cookie["raw"])

    def test_me_with_session(self):
        c = login(self.agent)
        r = c.get("/api/auth/me")
        body = self.assertJson(r, 200)
        self.assertUserObject(body["user"], self.agent)
        self.assertEqual(body["csrf_token"], c.csrf_token)

    def test_me_without_session(self):
        r = Client().get("/api/auth/me")
        self.assertError(r, 401, "unauthenticated")
        self.assertSecurityHeaders(r)

    def test_email_is_case_insensitive(self):
        c = Client()
        r = c.login(self.customer.email.upper(), self.customer.password,
                    check=False)
        body = self.assertJson(r, 200)
        self.assertEqual(body["user"]["email"], self.customer.email)
        self.assertStatus(c.get("/api/auth/me"), 200)

    def test_login_again_issues_new_session(self):
        c = login(self.customer)
        first = c.session_cookie
        r = c.login(*self.customer)
        cookie = r.cookie(SESSION_COOKIE)
        self.assertIsNotNone(cookie)
        self.assertNotEqual(cookie["value"], first)
        self.assertStatus(c.get("/api/auth/me"), 200)

    def test_preset_session_cookie_is_replaced(self):
        c = Client()
        planted = "attacker" + unique("x").replace("-", "")
        c.set_session_cookie(planted)
        r = c.login(*self.customer)
        cookie = r.cookie(SESSION_COOKIE)
        self.assertIsNotNone(cookie)
        self.assertNotEqual(cookie["value"], planted)
        other = Client()
        other.set_session_cookie(planted)
        self.assertError(other.get("/api/auth/me"), 401, "unauthenticated")

    def test_bad_session_cookies(self):
        real = login(self.customer).session_cookie
        for value in ("", "x", real[:-4], real[:len(real) // 2], flip(real),
                      "A" * 1000, "not-base64!*", real + "A"):
            with self.subTest(value=value[:40]):
                c = Client()
                c.set_session_cookie(value)
                r = c.get("/api/auth/me")
                self.assertError(r, 401, "unauthenticated")

    def test_missing_fields_422(self):
        c = Client()
        r = c.post("/api/auth/login", {"password": "x"})
        self.assertError(r, 422, "validation_failed", fields=["email"])
        r = c.post("/api/auth/login", {"email": self.customer.email})
        self.assertError(r, 422, "validation_failed", fields=["password"])
        self.assertIsNone(r.cookie(SESSION_COOKIE))

    def test_wrong_types_400(self):
        c = Client()
        for body in ({"email": 5, "password": "x"},
                     {"email": self.customer.email, "password": 123},
                     {"email": [self.customer.email], "password": "x"},
                     {"email": self.customer.email,
                      "password": {"p": self.customer.password}},
                     {"email": None, "password": "x"}):
            with self.subTest(body=body):
                r = c.post("/api/auth/login", body)
                self.assertError(r, 400, "bad_request")
                self.assertIsNone(r.cookie(SESSION_COOKIE))

    def test_malformed_body_400(self):
        r = Client().post("/api/auth/login", raw=b'{"email": "a@b.c", ')
        self.assertError(r, 400, "bad_request")

    def test_login_needs_json_415(self):
        r = Client().post(
            "/api/auth/login",
            raw="email=%s&password=%s" % self.customer,
            content_type="application/x-www-form-urlencoded")
        self.assertError(r, 415, "unsupported_media_type")
        self.assertIsNone(r.cookie(SESSION_COOKIE))


class FailedLoginTest(ApiTestCase):
    """Unknown email, wrong password and disabled user look the same."""

    def test_identical_failures(self):
        known = make_user("customer")
        gone = make_user("customer")
        disable_user(gone.email)
        bodies = []
        for email, pw in (("nobody-%s@example.com" % unique("u"), "whatever1"),
                          (known.email, known.password + "x"),
                          (gone.email, gone.password)):
            r = Client().post("/api/auth/login",
                              {"email": email, "password": pw})
            self.assertError(r, 401, "invalid_credentials")
            self.assertSecurityHeaders(r)
            self.assertIsNone(r.cookie(SESSION_COOKIE))
            bodies.append(r.body)
        self.assertEqual(bodies[0], bodies[1])
        self.assertEqual(bodies[0], bodies[2])
        # The right password still works after one failure.
        login(known)

    def test_rate_limited_after_five_failures(self):
        victim = make_user("customer")
        bystander = make_user("customer")
        emails = [victim.email, victim.email, victim.email.upper(),
                  victim.email, victim.email.capitalize()]
        for i, email in enumerate(emails):
            r = Client().post("/api/auth/login",
                              {"email": email, "password": "wrong%d" % i})
            self.assertError(r, 401, "invalid_credentials")
        # The sixth attempt, even with the right password, is throttled.
        c = Client()
        r = c.post("/api/auth/login",
                   {"email": victim.email, "password": victim.password})
        self.assertError(r, 429, "rate_limited")
        retry = r.headers.get("Retry-After")
        self.assertIsNotNone(retry, "no Retry-After on %r" % (r,))
        self.assertTrue(retry.strip().isdigit() and int(retry) > 0, retry)
        self.assertIsNone(r.cookie(SESSION_COOKIE))
        self.assertError(c.get("/api/auth/me"), 401, "unauthenticated")
        # Throttling is per email: another user is not affected.
        login(bystander)


class AddressThrottleTest(ApiTestCase):
    """Failures count per (client address, e-mail) and per address."""

    def assertRateLimited(self, r, most=15 * 60):
        self.assertError(r, 429, "rate_limited")
        self.assertSecurityHeaders(r)
        retry = r.headers.get("Retry-After") or ""
        self.assertTrue(retry.isdigit(), "Retry-After %r" % (retry,))
        self.assertGreater(int(retry), 0)
        self.assertLessEqual(int(retry), most)
        self.assertIsNone(r.cookie(SESSION_COOKIE))

    def test_lockout_stays_on_its_address(self):
        victim = make_user("agent")
        attacker, home = fresh_address(), fresh_address()
        for i in range(5):
            r = try_login(victim.email, "wrong-%d" % i, source=attacker)
            self.assertError(r, 401, "invalid_credentials")
        self.assertRateLimited(
            try_login(victim.email, victim.password, source=attacker))
        # The user's own address is not affected, before or after.
        login(victim, source=home)
        self.assertStatus(
            try_login(victim.email, victim.password, source=home), 200)
        self.assertEqual(failures(attacker, victim.email), 5)

    def test_success_clears_the_pairs_failures(self):
        user = make_user("customer")
        addr = fresh_address()
        for _ in range(4):
            self.assertStatus(try_login(user.email, "nope", source=addr),
                              401)
        login(user, source=addr)
        self.assertEqual(failures(addr, user.email), 0)
        for _ in range(4):
            self.assertStatus(try_login(user.email, "nope", source=addr),
                              401)
        login(user, source=addr)

    def test_per_address_limit_across_emails(self):
        spray = fresh_address()
        real = [make_user("customer") for _ in range(3)]
        emails = [u.email for u in real]
        emails += ["nobody-%d-%s@example.com" % (i, unique("s"))
                   for i in range(27)]
        for e in emails:
            self.assertError(try_login(e, "Spring2026!", source=spray), 401,
                             "invalid_credentials")
        self.assertEqual(failures(spray), 30)
        fresh = make_user("customer")
        # A 31st e-mail from that address, right password or not: 429.
        self.assertRateLimited(
            try_login(fresh.email, fresh.password, source=spray))
        self.assertRateLimited(
            try_login(fresh.email, "Summer2026!", source=spray))
        self.assertEqual(failures(spray), 30)
        # Everyone else logs in, the sprayed users included.
        login(fresh, source=fresh_address())
        login(real[0])

    def test_window_ends(self):
        user = make_user("customer")
        addr = fresh_address()
        for _ in range(5):
            try_login(user.email, "nope", source=addr)
        psql("UPDATE login_failures SET failed_at = failed_at"
             " - interval '14 minutes' WHERE address = :'p1'", addr)
        r = try_login(user.email, user.password, source=addr)
        self.assertRateLimited(r, most=61)
        psql("UPDATE login_failures SET failed_at = failed_at"
             " - interval '2 minutes' WHERE address = :'p1'", addr)
        self.assertStatus(try_login(user.email, user.password, source=addr),
                          200)

    def test_parallel_tries_stay_within_the_limit(self):
        user = make_user("customer")
        addr = fresh_address()
        statuses = []
        # Waves of 6: under nginx's limit on logins at once (8).
        for wave in range(3):
            rs = in_parallel(6, lambda i: try_login(
                user.email, "wrong-%d-%d" % (wave, i), source=addr))
            for r in rs:
                if r.status == 429:
                    self.assertError(r, 429, "rate_limited")
            statuses += [r.status for r in rs]
        self.assertEqual(statuses.count(401), 5, statuses)
        self.assertEqual(statuses.count(429), 13, statuses)
        self.assertEqual(failures(addr, user.email), 5)

    def test_parallel_tries_across_emails(self):
        addr = fresh_address()
        for i in range(24):
            try_login("first-%d-%s@example.com" % (i, unique("p")), "x",
                      source=addr)
        rs = in_parallel(7, lambda i: try_login(
            "par-%d-%s@example.com" % (i, unique("p")), "x", source=addr))
        self.assertEqual([r.status for r in rs].count(401), 6)
        self.assertEqual(failures(addr), 30)

    def test_forwarded_for_counts_only_from_trusted_proxies(self):
        user = make_user("customer")
        client, other = "203.0.113.%d" % (uuid_byte()), "198.51.100.7"
        via = {"X-Forwarded-For": client}
        for _ in range(5):
            r = try_login(user.email, "nope", source=TRUSTED_PROXY,
                          headers=via)
            self.assertStatus(r, 401)
        self.assertEqual(failures(client, user.email), 5)
        self.assertEqual(failures(TRUSTED_PROXY, user.email), 0)
        self.assertRateLimited(try_login(
            user.email, user.password, source=TRUSTED_PROXY, headers=via))
        # Another client behind the same proxy is not locked out.
        self.assertStatus(try_login(
            user.email, user.password, source=TRUSTED_PROXY,
            headers={"X-Forwarded-For": other}), 200)
        # A client cannot pick its address: only the hop the trusted
        # proxy added counts, whatever is left of it ...
        self.assertStatus(try_login(
            user.email, user.password, source=TRUSTED_PROXY,
            headers={"X-Forwarded-For": client + ", " + other}), 200)
        # ... and from an untrusted peer the header is ignored.
        untrusted = fresh_address()
        self.assertStatus(try_login(
            user.email, user.password, source=untrusted, headers=via), 200)
        r = try_login(user.email, "nope", source=untrusted, headers=via)
        self.assertStatus(r, 401)
        self.assertEqual(failures(untrusted, user.email), 1)
        self.assertEqual(failures(client, user.email), 5)

    def test_hashing_at_once_is_bounded(self):
        user = make_user("customer")
        rs = in_parallel(32, lambda i: try_login(
            user.email, user.password, source=fresh_address()))
        codes = [r.status for r in rs]
        self.assertIn(200, codes)
        self.assertIn(429, codes, "32 logins at once all ran")
        self.assertLessEqual(set(codes), {200, 429})
        for r in rs:
            if r.status == 429:
                self.assertRateLimited(r, most=60)
                break


def uuid_byte():
    return 1 + int(unique("b")[-2:], 16) % 250


class SessionTest(ApiTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = make_user("customer")

    def test_logout_needs_csrf(self):
        c = login(self.customer)
        r = c.post("/api/auth/logout", csrf=None)
        self.assertError(r, 403, "csrf_failed")
        r = c.post("/api/auth/logout", csrf="wrong" + c.csrf_token)
        self.assertError(r, 403, "csrf_failed")
        self.assertStatus(c.get("/api/auth/me"), 200)

    def test_logout_revokes_session(self):
        c = login(self.customer)
        cookie = c.session_cookie
        r = c.logout()
        self.assertStatus(r, 204)
        self.assertSecurityHeaders(r)
        self.assertEqual(r.raw, b"")
        self.assertError(c.get("/api/auth/me"), 401, "unauthenticated")
        replay = Client()
        replay.set_session_cookie(cookie)
        self.assertError(replay.get("/api/auth/me"), 401, "unauthenticated")

    def test_logout_leaves_other_sessions(self):
        a = login(self.customer)
        b = login(self.customer)
        self.assertStatus(a.logout(), 204)
        self.assertStatus(b.get("/api/auth/me"), 200)

    def test_idle_session_expires(self):
        c = login(self.customer)
        self.assertStatus(c.get("/api/auth/me"), 200)
        psql("UPDATE sessions SET last_seen_at = now() - interval '2 days'"
             " WHERE user_id = (SELECT id FROM users WHERE email = :'p1')",
             self.customer.email)
        self.assertError(c.get("/api/auth/me"), 401, "unauthenticated")
        self.assertError(c.get("/api/tickets"), 401, "unauthenticated")

    def test_active_session_stays(self):
        c = login(self.customer)
        psql("UPDATE sessions SET last_seen_at = now() - interval '10 minutes'"
             " WHERE user_id = (SELECT id FROM users WHERE email = :'p1')",
             self.customer.email)
        self.assertStatus(c.get("/api/auth/me"), 200)

    def test_identity_headers_ignored(self):
        c = Client()
        r = c.get("/api/auth/me", headers={
            "X-Forwarded-User": self.customer.email,
            "X-User-Id": "1", "X-Remote-User": "admin",
            "Remote-User": self.customer.email})
        self.assertError(r, 401, "unauthenticated")


class CsrfTest(ApiTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = make_user("customer")
        cls.c = login(cls.customer)

    def test_create_without_csrf(self):
        before = count_tickets(self.customer.email)
        r = self.c.post("/api/tickets", ticket_body(), csrf=None)
        self.assertError(r, 403, "csrf_failed")
        self.assertEqual(count_tickets(self.customer.email), before)

    def test_create_with_wrong_csrf(self):
        before = count_tickets(self.customer.email)
        for bad in ("", "x", self.c.csrf_token + "x",
                    self.c.csrf_token[:-1], self.c.session_cookie):
            with self.subTest(csrf=bad):
                r = self.c.post("/api/tickets", ticket_body(), csrf=bad)
                self.assertError(r, 403, "csrf_failed")
        self.assertEqual(count_tickets(self.customer.email), before)

    def test_other_sessions_csrf_token(self):
        other = login(make_user("customer"))
        before = count_tickets(self.customer.email)
        r = self.c.post("/api/tickets", ticket_body(), csrf=other.csrf_token)
        self.assertError(r, 403, "csrf_failed")
        self.assertEqual(count_tickets(self.customer.email), before)

    def test_preferences_put_without_csrf(self):
        r = self.c.put("/api/me/preferences", {"email_on_reply": False},
                       csrf=None)
        self.assertError(r, 403, "csrf_failed")
        self.assertEqual(psql(
            "SELECT email_on_reply FROM users WHERE email = :'p1'",
            self.customer.email), "t")

    def test_token_create_without_csrf(self):
        before = psql_int(
            "SELECT count(*) FROM api_tokens t JOIN users u ON u.id = "
            "t.user_id WHERE u.email = :'p1'", self.customer.email)
        r = self.c.post("/api/me/tokens", {"name": "x"}, csrf=None)
        self.assertError(r, 403, "csrf_failed")
        after = psql_int(
            "SELECT count(*) FROM api_tokens t JOIN users u ON u.id = "
            "t.user_id WHERE u.email = :'p1'", self.customer.email)
        self.assertEqual(after, before)

    def test_with_csrf_works(self):
        before = count_tickets(self.customer.email)
        r = self.c.post("/api/tickets", ticket_body())
        self.assertStatus(r, 201)
        self.assertEqual(count_tickets(self.customer.email), before + 1)

    def test_foreign_origin_no_cors(self):
        r = self.c.get("/api/auth/me",
                       headers={"Origin": "https://evil.example"})
        self.assertIsNone(r.headers.get("Access-Control-Allow-Origin"))
        self.assertIsNone(r.headers.get("Access-Control-Allow-Credentials"))


class DisabledUserTest(ApiTestCase):

    def test_disable_ends_sessions_and_tokens(self):
        user = make_user("customer", account=new_account_name())
        c = login(user)
        _, token = c.new_token()
        bearer = Client(token=token)
        self.assertStatus(bearer.get("/api/auth/me"), 200)
        disable_user(user.email)
        self.assertError(c.get("/api/auth/me"), 401, "unauthenticated")
        self.assertError(bearer.get("/api/auth/me"), 401, "unauthenticated")
        before = count_tickets(user.email)
        r = bearer.post("/api/tickets", ticket_body())
        self.assertError(r, 401, "unauthenticated")
        self.assertEqual(count_tickets(user.email), before)
        r = Client().post("/api/auth/login",
                          {"email": user.email, "password": user.password})
        self.assertError(r, 401, "invalid_credentials")
        self.assertIsNone(r.cookie(SESSION_COOKIE))


if __name__ == "__main__":
    unittest.main()
