"""Two-factor login (TOTP, RFC 6238): setup with a QR code, enable with
recovery codes, the login challenge, codes once, one step of drift,
recovery codes once, the challenge's end, disable, API tokens, the staff
requirement and tix-admin user reset-2fa."""

import json
import os
import re
import subprocess
import tempfile
import time
import unittest
import xml.etree.ElementTree as ET

import fcgiclient
from tixclient import (ApiTestCase, Client, SESSION_COOKIE, fresh_address,
                       login, make_user, psql, psql_int, tix_admin)
from totp import b32key, code_at, hotp, mid_step, totp

BASE32 = re.compile(r"^[A-Z2-7]{32}$")
RECOVERY = re.compile(r"^[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}$")


def set_up_2fa(user, source=None):
    """Log in, set up and enable 2FA; returns (client, secret, codes,
    step used)."""
    c = login(user, source=source)
    r = c.post("/api/me/2fa/setup")
    assert r.status == 200, r
    secret = r.body["secret"]
    step = mid_step()
    r = c.post("/api/me/2fa/enable", {"code": code_at(secret, step)})
    assert r.status == 200, r
    return c, secret, r.body["recovery_codes"], step


def forget_last_step(user):
    psql("UPDATE users SET totp_last_step = NULL WHERE email = :'p1'",
         user.email)


class TotpGeneratorTest(unittest.TestCase):

    def test_rfc6238_vectors(self):
        key = b"12345678901234567890"
        for t, want in ((59, "94287082"), (1111111109, "07081804"),
                        (1111111111, "14050471"), (1234567890, "89005924"),
                        (2000000000, "69279037"), (20000000000, "65353130")):
            self.assertEqual(totp(key, t, digits=8), want)
            self.assertEqual(totp(key, t), want[2:])
        self.assertEqual(hotp(key, 0), "755224")     # RFC 4226
        self.assertEqual(hotp(key, 9), "520489")


class TwoFactorTest(ApiTestCase):

    def start_login(self, user, source=None, password=None):
        c = Client(source=source)
        r = c.post("/api/auth/login", {
            "email": user.email, "password": password or user.password})
        body = self.assertJson(r, 200)
        self.assertEqual(set(body), {"two_factor_required", "challenge"})
        self.assertIs(body["two_factor_required"], True)
        self.assertIsInstance(body["challenge"], str)
        self.assertIsNone(r.cookie(SESSION_COOKIE))
        self.assertEqual(c.cookies, {})
        return c, body["challenge"]

    def second_step(self, c, challenge, code):
        r = c.post("/api/auth/login/2fa", {"challenge": challenge,
                                           "code": code})
        if r.status == 200:
            c.csrf_token = r.body["csrf_token"]
        return r

    def test_setup_qr_and_enable(self):
        user = make_user("customer")
        c = login(user)
        self.assertIs(c.user["two_factor"], False)
        self.assertError(c.get("/api/me/2fa/qr"), 404, "not_found")
        self.assertError(c.post("/api/me/2fa/enable", {"code": "123456"}),
                         409, "invalid_transition")
        self.assertError(c.post("/api/me/2fa/setup", csrf=None), 403,
                         "csrf_failed")
        r = c.post("/api/me/2fa/setup")
        body = self.assertJson(r, 200)
        self.assertEqual(set(body), {"secret", "otpauth_uri"})
        self.assertEqual(r.headers.get("Cache-Control"), "no-store")
        secret = body["secret"]
        self.assertRegex(secret, BASE32)
        self.assertEqual(len(b32key(secret)), 20)
        uri = body["otpauth_uri"]
        self.assertTrue(uri.startswith("otpauth://totp/Tix:"), uri)
        self.assertIn(user.email.replace("@", "%40"), uri)
        for part in ("secret=" + secret, "issuer=Tix", "algorithm=SHA1",
                     "digits=6", "period=30"):
            self.assertIn(part, uri)

        # The QR code: an SVG image, never cached.
        r = c.get("/api/me/2fa/qr")
        self.assertStatus(r, 200)
        self.assertEqual(r.headers.get("Content-Type"), "image/svg+xml")
        self.assertEqual(r.headers.get("Cache-Control"), "no-store")
        self.assertSecurityHeaders(r)
        svg = ET.fromstring(r.raw)
        self.assertEqual(svg.tag, "{http://www.w3.org/2000/svg}svg")
        self.assertFalse([e for e in svg.iter() if "script" in e.tag])
        size = int(svg.get("viewBox").split()[2])
        modules = (size - 8 - 17) / 4        # version v: 17 + 4v modules
        self.assertEqual(modules, int(modules))
        self.assertGreaterEqual(modules, 5)  # the URI needs version 5+
        path = [e for e in svg.iter() if e.tag.endswith("path")][0]
        dark = set(tuple(map(int, m)) for m in
                   re.findall(r"M(\d+) (\d+)h1v1h-1z", path.get("d")))
        # The three finder patterns: 7x7 rings with a 3x3 core.
        width = size - 8
        for ox, oy in ((0, 0), (width - 7, 0), (0, width - 7)):
            for i in range(7):
                for (x, y) in ((i, 0), (i, 6), (0, i), (6, i)):
                    self.assertIn((ox + x + 4, oy + y + 4), dark)
            self.assertNotIn((ox + 1 + 4, oy + 1 + 4), dark)
            self.assertIn((ox + 3 + 4, oy + 3 + 4), dark)
        self.assertError(Client().get("/api/me/2fa/qr"), 401,
                         "unauthenticated")

        # A new setup replaces the pending secret.
        again = c.post("/api/me/2fa/setup").body["secret"]
        self.assertNotEqual(again, secret)
        step = mid_step()
        r = c.post("/api/me/2fa/enable", {"code": code_at(secret, step)})
        self.assertError(r, 422, "validation_failed", fields=["code"])
        for bad in ("", "12345", "1234567", "abcdef"):
            with self.subTest(code=bad):
                r = c.post("/api/me/2fa/enable", {"code": bad})
                self.assertEqual(r.status, 422, r)
        self.assertError(c.post("/api/me/2fa/enable", {"code": 123456}),
                         400, "bad_request")
        r = c.post("/api/me/2fa/enable", {"code": code_at(again, step)})
        body = self.assertJson(r, 200)
        self.assertEqual(set(body), {"recovery_codes"})
        codes = body["recovery_codes"]
        self.assertEqual(len(codes), 10)
        self.assertEqual(len(set(codes)), 10)
        for code in codes:
            self.assertRegex(code, RECOVERY)
        me = c.get("/api/auth/me").body
        self.assertIs(me["user"]["two_factor"], True)
        self.assertError(c.post("/api/me/2fa/setup"), 409,
                         "invalid_transition")
        self.assertError(c.post("/api/me/2fa/enable", {"code": "000000"}),
                         409, "invalid_transition")
        self.assertError(c.get("/api/me/2fa/qr"), 404, "not_found")

    def test_secrets_at_rest(self):
        user = make_user("customer")
        _, secret, codes, _ = set_up_2fa(user)
        stored = psql("SELECT totp_secret FROM users WHERE email = :'p1'",
                      user.email)
        self.assertTrue(stored)
        self.assertNotIn(secret, stored.upper())
        self.assertNotIn(b32key(secret).hex(), stored.lower())
        hashes = psql("SELECT string_agg(encode(code_hash, 'hex'), ',')"
                      " FROM recovery_codes r JOIN users u"
                      " ON u.id = r.user_id WHERE u.email = :'p1'",
                      user.email)
        self.assertEqual(len(hashes.split(",")), 10)
        for code in codes:
            self.assertNotIn(code.replace("-", ""), hashes)
        # A sealed secret copied to another user does not open there.
        other = make_user("customer")
        psql("UPDATE users SET totp_secret = (SELECT totp_secret FROM users"
             " WHERE email = :'p1') WHERE email = :'p2'", user.email,
             other.email)
        c, challenge = self.start_login(other)
        r = self.second_step(c, challenge, code_at(secret, mid_step()))
        self.assertError(r, 401, "invalid_credentials")
        self.assertIsNone(r.cookie(SESSION_COOKIE))

    def test_login_with_a_code_once(self):
        user = make_user("agent")
        addr = fresh_address()
        _, secret, _, step = set_up_2fa(user)
        c, challenge = self.start_login(user, addr)
        # The code that enabled 2FA was used: not again.
        r = self.second_step(c, challenge, code_at(secret, step))
        self.assertError(r, 401, "invalid_credentials")
        self.assertIsNone(r.cookie(SESSION_COOKIE))
        r = self.second_step(c, challenge, code_at(secret, step + 1))
        body = self.assertJson(r, 200)
        self.assertEqual(set(body), {"user", "csrf_token",
                                     "two_factor_setup_required"})
        self.assertUserObject(body["user"], user)
        self.assertIs(body["user"]["two_factor"], True)
        cookie = r.cookie(SESSION_COOKIE)
        self.assertIsNotNone(cookie)
        self.assertIn("httponly", cookie["attrs"])
        self.assertStatus(c.get("/api/auth/me"), 200)
        # The challenge is spent, and the code too.
        r = self.second_step(Client(source=addr), challenge,
                             code_at(secret, step + 1))
        self.assertError(r, 401, "invalid_credentials")
        c2, ch2 = self.start_login(user, addr)
        for s in (step + 1, step, step - 1):
            r = self.second_step(c2, ch2, code_at(secret, s))
            self.assertError(r, 401, "invalid_credentials")

    def test_drift_of_one_step(self):
        user = make_user("customer")
        _, secret, _, _ = set_up_2fa(user)
        for offset, ok in ((-3, False), (3, False), (2, False), (-2, False),
                           (-1, True), (1, True), (0, True)):
            with self.subTest(offset=offset):
                forget_last_step(user)
                c, challenge = self.start_login(user, fresh_address())
                step = mid_step()
                r = self.second_step(c, challenge,
                                     code_at(secret, step + offset))
                self.assertEqual(r.status, 200 if ok else 401, r)

    def test_recovery_codes_once(self):
        user = make_user("customer")
        _, secret, codes, _ = set_up_2fa(user)
        addr = fresh_address()
        c, challenge = self.start_login(user, addr)
        self.assertStatus(self.second_step(c, challenge, codes[0]), 200)
        c, challenge = self.start_login(user, addr)
        self.assertError(self.second_step(c, challenge, codes[0]), 401,
                         "invalid_credentials")
        # Upper case and without the dashes work too.
        r = self.second_step(c, challenge, codes[1].upper().replace("-", ""))
        self.assertStatus(r, 200)
        self.assertEqual(psql_int(
            "SELECT count(*) FROM recovery_codes r JOIN users u"
            " ON u.id = r.user_id WHERE u.email = :'p1'"
            " AND used_at IS NOT NULL", user.email), 2)

    def test_challenge_ends_after_five_wrong_codes(self):
        user = make_user("customer")
        _, secret, _, _ = set_up_2fa(user)
        addr = fresh_address()
        c, challenge = self.start_login(user, addr)
        for i in range(5):
            r = self.second_step(c, challenge, "%06d" % i)
            self.assertError(r, 401, "invalid_credentials")
        step = mid_step()
        r = self.second_step(c, challenge, code_at(secret, step))
        self.assertError(r, 401, "invalid_credentials")
        self.assertIsNone(r.cookie(SESSION_COOKIE))
        # Those five count against the address, like failed passwords.
        r = Client(source=addr).post("/api/auth/login", {
            "email": user.email, "password": user.password})
        self.assertError(r, 429, "rate_limited")
        self.assertTrue(r.headers.get("Retry-After", "").isdigit())
        # From elsewhere: a new challenge and the right code (the next
        # step's: the one of this step enabled 2FA).
        c, challenge = self.start_login(user, fresh_address())
        self.assertStatus(self.second_step(c, challenge,
                                           code_at(secret, step + 1)), 200)

    def test_challenge_ends_after_five_minutes(self):
        user = make_user("customer")
        _, secret, _, _ = set_up_2fa(user)
        c, challenge = self.start_login(user, fresh_address())
        psql("UPDATE login_challenges SET created_at = now()"
             " - interval '301 seconds' WHERE user_id = (SELECT id FROM"
             " users WHERE email = :'p1')", user.email)
        r = self.second_step(c, challenge, code_at(secret, mid_step() + 1))
        self.assertError(r, 401, "invalid_credentials")

    def test_bad_second_steps(self):
        user = make_user("customer")
        set_up_2fa(user)
        c, challenge = self.start_login(user, fresh_address())
        for ch in ("nope", challenge[:-1], challenge + "x", "x" * 200):
            with self.subTest(challenge=ch[:20]):
                self.assertError(self.second_step(c, ch, "123456"), 401,
                                 "invalid_credentials")
        r = c.post("/api/auth/login/2fa", {"challenge": challenge})
        self.assertError(r, 422, "validation_failed", fields=["code"])
        r = c.post("/api/auth/login/2fa", {"code": "123456"})
        self.assertError(r, 422, "validation_failed", fields=["challenge"])
        r = c.post("/api/auth/login/2fa", {"challenge": challenge,
                                           "code": 123456})
        self.assertError(r, 400, "bad_request")
        # A wrong password still gives no challenge.
        r = Client().post("/api/auth/login", {"email": user.email,
                                              "password": "wrong"})
        self.assertError(r, 401, "invalid_credentials")

    def test_tokens(self):
        user = make_user("customer")
        before = login(user)
        enabler, secret, codes, step = set_up_2fa(user)
        # The session 2FA was turned on in makes tokens; an older one not.
        self.assertStatus(enabler.post("/api/me/tokens", {"name": "ci"}),
                          201)
        self.assertError(before.post("/api/me/tokens", {"name": "x"}), 403,
                         "forbidden")
        c, challenge = self.start_login(user, fresh_address())
        self.assertStatus(self.second_step(c, challenge,
                                           code_at(secret, step + 1)), 200)
        _, token = c.new_token()
        # A token needs no code ...
        bearer = Client(token=token)
        body = self.assertJson(bearer.get("/api/auth/me"), 200)
        self.assertIs(body["user"]["two_factor"], True)
        self.assertStatus(bearer.get("/api/tickets"), 200)
        # ... but cannot make another.
        self.assertError(bearer.post("/api/me/tokens", {"name": "y"}), 403,
                         "forbidden")

    def test_disable(self):
        user = make_user("customer")
        c, secret, codes, step = set_up_2fa(user)
        self.assertError(c.post("/api/me/2fa/disable", {
            "password": user.password + "x",
            "code": code_at(secret, step + 1)}), 422, "validation_failed",
            fields=["password"])
        self.assertError(c.post("/api/me/2fa/disable", {
            "password": user.password, "code": "000000"}), 422,
            "validation_failed", fields=["code"])
        self.assertError(c.post("/api/me/2fa/disable", {
            "password": user.password}), 422, "validation_failed",
            fields=["code"])
        self.assertIs(c.get("/api/auth/me").body["user"]["two_factor"], True)
        r = c.post("/api/me/2fa/disable", {"password": user.password,
                                           "code": codes[3]})
        self.assertStatus(r, 204)
        self.assertIs(c.get("/api/auth/me").body["user"]["two_factor"], False)
        self.assertError(c.post("/api/me/2fa/disable", {
            "password": user.password, "code": codes[4]}), 409,
            "invalid_transition")
        self.assertEqual(psql_int(
            "SELECT count(*) FROM recovery_codes r JOIN users u"
            " ON u.id = r.user_id WHERE u.email = :'p1'", user.email), 0)
        # A plain login again.
        r = Client().login(user.email, user.password)
        self.assertIsNotNone(r.cookie(SESSION_COOKIE))

    def test_disable_with_a_current_code(self):
        user = make_user("customer")
        c, secret, _, step = set_up_2fa(user)
        r = c.post("/api/me/2fa/disable", {"password": user.password,
                                           "code": code_at(secret, step + 1)})
        self.assertStatus(r, 204)

    def test_admin_reset(self):
        user = make_user("agent")
        set_up_2fa(user)
        p = tix_admin("user", "reset-2fa", "--email", user.email)
        self.assertIn("off", p.stdout)
        r = Client().login(user.email, user.password)
        self.assertIsNotNone(r.cookie(SESSION_COOKIE))
        self.assertIs(r.body["user"]["two_factor"], False)
        p = tix_admin("user", "reset-2fa", "--email", user.email)
        self.assertIn("nothing changed", p.stdout)
        p = tix_admin("user", "reset-2fa", "--email", "nobody@example.com",
                      check=False)
        self.assertEqual(p.returncode, 1)


def fcgi(sock, method, uri, body=None, cookie=None, csrf=None,
         addr="127.0.0.1"):
    """One request straight to a worker's socket: (status, headers, JSON
    or bytes)."""
    extra = {"REMOTE_ADDR": addr}
    if cookie:
        extra["HTTP_COOKIE"] = "tix_session=" + cookie
    if csrf:
        extra["HTTP_X_CSRF_TOKEN"] = csrf
    data = json.dumps(body).encode() if body is not None else b""
    r = fcgiclient.request(sock, method, uri, data,
                           "application/json" if body is not None else None,
                           extra)
    assert r is not None
    try:
        parsed = json.loads(r[2]) if r[2] else None
    except ValueError:
        parsed = r[2]
    return r[0], r[1], parsed


class StaffRequirementTest(ApiTestCase):
    """TIX_REQUIRE_2FA_FOR_STAFF=1, on a tix-auth of the test's own."""

    def setUp(self):
        tmp = tempfile.mkdtemp(prefix="tix-2fa-")
        self.sock = os.path.join(tmp, "auth.sock")
        log = open(os.path.join(tmp, "auth.log"), "w")
        self.addCleanup(log.close)
        proc = subprocess.Popen(
            ["tix-auth", "--listen", "unix:" + self.sock, "--workers", "1"],
            stdout=log, stderr=log,
            env=dict(os.environ, TIX_REQUIRE_2FA_FOR_STAFF="1"))

        def stop():
            proc.terminate()
            proc.wait(timeout=20)
        self.addCleanup(stop)
        deadline = time.time() + 20
        while not os.path.exists(self.sock) and time.time() < deadline:
            time.sleep(0.05)
        self.assertTrue(os.path.exists(self.sock))

    def login(self, user):
        st, h, body = fcgi(self.sock, "POST", "/api/auth/login",
                           {"email": user.email, "password": user.password})
        self.assertEqual(st, 200, body)
        cookie = h.get("set-cookie", "").split(";")[0].split("=", 1)
        return body, cookie[1] if len(cookie) == 2 else None

    def test_staff_may_only_set_up(self):
        agent = make_user("agent")
        body, cookie = self.login(agent)
        self.assertIs(body["two_factor_setup_required"], True)
        csrf = body["csrf_token"]
        for method, uri in (("GET", "/api/me/tokens"),
                            ("GET", "/api/me/preferences"),
                            ("GET", "/api/me/sessions"),
                            ("GET", "/api/users")):
            with self.subTest(uri=uri):
                st, _, err = fcgi(self.sock, method, uri, cookie=cookie)
                self.assertEqual(st, 403, err)
                self.assertEqual(err["error"]["code"], "forbidden")
        st, _, err = fcgi(self.sock, "POST", "/api/me/tokens", {"name": "x"},
                          cookie=cookie, csrf=csrf)
        self.assertEqual(st, 403, err)
        # Through nginx to tix-tickets the session is held back too.
        c = Client()
        c.set_session_cookie(cookie)
        self.assertError(c.get("/api/tickets"), 403, "forbidden")
        st, _, me = fcgi(self.sock, "GET", "/api/auth/me", cookie=cookie)
        self.assertEqual(st, 200)
        self.assertIs(me["two_factor_setup_required"], True)
        st, _, setup = fcgi(self.sock, "POST", "/api/me/2fa/setup", {},
                            cookie=cookie, csrf=csrf)
        self.assertEqual(st, 200, setup)
        st, h, _ = fcgi(self.sock, "GET", "/api/me/2fa/qr", cookie=cookie)
        self.assertEqual(st, 200)
        st, _, res = fcgi(self.sock, "POST", "/api/me/2fa/enable",
                          {"code": code_at(setup["secret"], mid_step())},
                          cookie=cookie, csrf=csrf)
        self.assertEqual(st, 200, res)
        # Set up: the session is a full one now.
        st, _, me = fcgi(self.sock, "GET", "/api/auth/me", cookie=cookie)
        self.assertIs(me["two_factor_setup_required"], False)
        self.assertIs(me["user"]["two_factor"], True)
        st, _, _ = fcgi(self.sock, "GET", "/api/me/tokens", cookie=cookie)
        self.assertEqual(st, 200)
        self.assertStatus(c.get("/api/tickets"), 200)

    def test_every_other_route_refuses_the_session(self):
        """Every route of the three workers that takes a session, but
        me, logout and the setup itself, answers 403 before the setup,
        reads and writes alike; so does /api/metrics for an admin from
        another host."""
        admin = make_user("admin")
        body, cookie = self.login(admin)
        self.assertIs(body["two_factor_setup_required"], True)
        csrf = body["csrf_token"]
        tickets = os.environ["TIX_TEST_TICKETS_SOCKET"]
        files = os.environ["TIX_TEST_FILES_SOCKET"]
        routes = [
            (self.sock, "POST", "/api/me/2fa/disable",
             {"password": admin.password, "code": "123456"}),
            (self.sock, "GET", "/api/me/tokens", None),
            (self.sock, "POST", "/api/me/tokens", {"name": "x"}),
            (self.sock, "DELETE", "/api/me/tokens/1", None),
            (self.sock, "POST", "/api/me/password",
             {"current_password": admin.password,
              "new_password": "Zq7-ckb5vL9-unused"}),
            (self.sock, "GET", "/api/me/sessions", None),
            (self.sock, "DELETE", "/api/me/sessions", None),
            (self.sock, "DELETE", "/api/me/sessions/1", None),
            (self.sock, "GET", "/api/me/preferences", None),
            (self.sock, "PUT", "/api/me/preferences",
             {"email_on_reply": False}),
            (self.sock, "GET", "/api/users", None),
            (tickets, "GET", "/api/tickets", None),
            (tickets, "POST", "/api/tickets",
             {"subject": "s", "description": "d", "category": "general"}),
            (tickets, "GET", "/api/tickets/stats", None),
            (tickets, "GET", "/api/tickets/inbound", None),
            (tickets, "POST", "/api/tickets/inbound/1/ticket", {}),
            (tickets, "POST", "/api/tickets/inbound/1/append",
             {"ticket": "TICK-1001"}),
            (tickets, "DELETE", "/api/tickets/inbound/1", None),
            (tickets, "GET", "/api/tickets/TICK-1001", None),
            (tickets, "PATCH", "/api/tickets/TICK-1001", {"status": "open"}),
            (tickets, "DELETE", "/api/tickets/TICK-1001", None),
            (tickets, "POST", "/api/tickets/TICK-1001/messages",
             {"body": "b"}),
            (tickets, "POST", "/api/tickets/TICK-1001/reopen", {}),
            (files, "POST", "/api/tickets/TICK-1001/attachments", {}),
            (files, "GET", "/api/tickets/TICK-1001/attachments/1", None),
        ]
        before = psql_int("SELECT count(*) FROM tickets")
        for sock, method, uri, req in routes:
            with self.subTest(method=method, uri=uri):
                st, _, err = fcgi(sock, method, uri, req, cookie=cookie,
                                  csrf=csrf)
                self.assertEqual(st, 403, err)
                self.assertEqual(err["error"]["code"], "forbidden")
                self.assertIn("two-factor", err["error"]["message"])
        st, _, err = fcgi(tickets, "GET", "/api/metrics", cookie=cookie,
                          addr="192.0.2.7")
        self.assertEqual(st, 403, err)
        self.assertIn("two-factor", err["error"]["message"])
        # Nothing of it was written, and the session still may set up.
        self.assertEqual(psql_int("SELECT count(*) FROM tickets"), before)
        st, _, me = fcgi(self.sock, "GET", "/api/me", cookie=cookie)
        self.assertEqual(st, 200, me)
        self.assertIs(me["two_factor_setup_required"], True)

    def test_customers_are_not_held(self):
        body, cookie = self.login(make_user("customer"))
        self.assertIs(body["two_factor_setup_required"], False)
        st, _, _ = fcgi(self.sock, "GET", "/api/me/tokens", cookie=cookie)
        self.assertEqual(st, 200)

    def test_staff_with_2fa_log_in_with_a_code(self):
        admin = make_user("admin")
        set_up_2fa(admin)
        body, cookie = self.login(admin)
        self.assertIs(body["two_factor_required"], True)
        self.assertIsNone(cookie)


if __name__ == "__main__":
    unittest.main()
