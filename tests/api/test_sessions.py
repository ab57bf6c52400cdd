"""The sessions a user can see and end; tix-admin user logout; the
session cookie's name over HTTPS."""

import json
import os
import unittest

import fcgiclient
from tixclient import (ApiTestCase, Client, SESSION_COOKIE, fresh_address,
                       login, make_user, tix_admin)

SESSION_KEYS = {"id", "created_at", "last_used_at", "ip", "user_agent",
                "current"}


def login_as(user, agent, source=None):
    c = Client(source=source)
    r = c.post("/api/auth/login", {"email": user.email,
                                   "password": user.password},
               headers={"User-Agent": agent})
    if r.status != 200:
        raise AssertionError("login failed: %r" % (r,))
    c.csrf_token = r.body["csrf_token"]
    return c


class SessionsTest(ApiTestCase):

    def sessions(self, c):
        body = self.assertJson(c.get("/api/me/sessions"), 200)
        self.assertEqual(set(body), {"sessions"})
        for s in body["sessions"]:
            self.assertEqual(set(s), SESSION_KEYS, s)
            self.assertIsInstance(s["id"], int)
            self.assertTime(s["created_at"])
            self.assertTime(s["last_used_at"])
            self.assertIsInstance(s["current"], bool)
        return body["sessions"]

    def test_list_marks_the_current_one(self):
        user = make_user("customer")
        a_addr, b_addr = fresh_address(), fresh_address()
        a = login_as(user, "Firefox on the desk", a_addr)
        b = login_as(user, "Phone browser", b_addr)
        rows = self.sessions(a)
        self.assertEqual(len(rows), 2)
        by_agent = {s["user_agent"]: s for s in rows}
        self.assertEqual(by_agent["Firefox on the desk"]["ip"], a_addr)
        self.assertTrue(by_agent["Firefox on the desk"]["current"])
        self.assertEqual(by_agent["Phone browser"]["ip"], b_addr)
        self.assertFalse(by_agent["Phone browser"]["current"])
        self.assertEqual([s["current"] for s in self.sessions(b)].count(True),
                         1)
        # A session is bound to neither address nor agent.
        r = Client(source=fresh_address())
        r.cookies = dict(a.cookies)
        self.assertStatus(r.get("/api/auth/me",
                                headers={"User-Agent": "other"}), 200)

    def test_revoke_another_session(self):
        user = make_user("agent")
        a = login_as(user, "a")
        b = login_as(user, "b")
        b_id = [s["id"] for s in self.sessions(a) if not s["current"]][0]
        self.assertError(a.delete("/api/me/sessions/%d" % b_id, csrf=None),
                         403, "csrf_failed")
        self.assertStatus(b.get("/api/auth/me"), 200)
        r = a.delete("/api/me/sessions/%d" % b_id)
        self.assertStatus(r, 204)
        self.assertEqual(r.raw, b"")
        self.assertError(b.get("/api/auth/me"), 401, "unauthenticated")
        self.assertEqual([s["current"] for s in self.sessions(a)], [True])
        self.assertError(a.delete("/api/me/sessions/%d" % b_id), 404,
                         "not_found")

    def test_another_users_session_is_404(self):
        me, other = make_user("customer"), make_user("customer")
        mine = login(me)
        theirs = login(other)
        their_id = self.sessions(theirs)[0]["id"]
        self.assertError(mine.delete("/api/me/sessions/%d" % their_id), 404,
                         "not_found")
        self.assertStatus(theirs.get("/api/auth/me"), 200)
        self.assertNotIn(their_id, [s["id"] for s in self.sessions(mine)])
        for bad in ("abc", "-1", "0", "1.5", "99999999999999999999"):
            with self.subTest(id=bad):
                self.assertError(mine.delete("/api/me/sessions/" + bad), 404,
                                 "not_found")

    def test_revoke_the_current_session(self):
        user = make_user("customer")
        c = login(user)
        mine = self.sessions(c)[0]["id"]
        r = c.delete("/api/me/sessions/%d" % mine)
        self.assertStatus(r, 204)
        cookie = r.cookie(SESSION_COOKIE)
        self.assertIsNotNone(cookie)
        self.assertEqual(cookie["attrs"].get("max-age"), "0")
        self.assertError(c.get("/api/auth/me"), 401, "unauthenticated")

    def test_revoke_all_others(self):
        user = make_user("customer")
        keep = login(user)
        others = [login(user) for _ in range(3)]
        self.assertStatus(keep.delete("/api/me/sessions"), 204)
        for o in others:
            self.assertError(o.get("/api/auth/me"), 401, "unauthenticated")
        self.assertStatus(keep.get("/api/auth/me"), 200)
        self.assertEqual(len(self.sessions(keep)), 1)

    def test_with_a_token_and_without_login(self):
        user = make_user("customer")
        c = login(user)
        _, token = c.new_token()
        rows = self.sessions(Client(token=token))
        self.assertEqual(len(rows), 1)
        self.assertFalse(rows[0]["current"])
        self.assertError(Client().get("/api/me/sessions"), 401,
                         "unauthenticated")
        self.assertError(Client().delete("/api/me/sessions/1"), 401,
                         "unauthenticated")

    def test_user_agent_is_kept_printable_and_short(self):
        user = make_user("customer")
        c = login_as(user, "Caf\u00e9 " + "x" * 2000)
        ua = self.sessions(c)[0]["user_agent"]
        self.assertEqual(len(ua), 512)
        self.assertTrue(ua.startswith("Caf? xxx"), ua[:20])

    def test_admin_logout_ends_every_session(self):
        user = make_user("agent")
        a, b = login(user), login(user)
        _, token = a.new_token()
        p = tix_admin("user", "logout", "--email", user.email.upper())
        self.assertIn("2 session", p.stdout)
        self.assertError(a.get("/api/auth/me"), 401, "unauthenticated")
        self.assertError(b.get("/api/auth/me"), 401, "unauthenticated")
        self.assertStatus(Client(token=token).get("/api/auth/me"), 200)
        login(user)
        p = tix_admin("user", "logout", "--email", "nobody@example.com",
                      check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn("no user", p.stderr)
        p = tix_admin("user", "logout", check=False)
        self.assertEqual(p.returncode, 2)


class HttpsCookieTest(ApiTestCase):
    """Over HTTPS (nginx's HTTPS parameter) the cookie is __Host-."""

    def test_host_prefixed_cookie(self):
        user = make_user("customer")
        sock = os.environ["TIX_TEST_AUTH_SOCKET"]
        body = json.dumps({"email": user.email,
                           "password": user.password}).encode()
        r = fcgiclient.request(sock, "POST", "/api/auth/login", body,
                               "application/json", {"HTTPS": "on"})
        self.assertEqual(r[0], 200, r)
        cookie = r[1]["set-cookie"]
        self.assertTrue(cookie.startswith("__Host-tix_session="), cookie)
        attrs = [a.strip().lower() for a in cookie.split(";")]
        self.assertIn("secure", attrs)
        self.assertIn("path=/", attrs)
        self.assertFalse([a for a in attrs if a.startswith("domain")])
        value = cookie.split(";")[0].split("=", 1)[1]
        me = fcgiclient.request(sock, "GET", "/api/auth/me", extra_params={
            "HTTPS": "on", "HTTP_COOKIE": "__Host-tix_session=" + value})
        self.assertEqual(me[0], 200, me)
        # The plain name is not read over HTTPS.
        me = fcgiclient.request(sock, "GET", "/api/auth/me", extra_params={
            "HTTPS": "on", "HTTP_COOKIE": "tix_session=" + value})
        self.assertEqual(me[0], 401, me)


if __name__ == "__main__":
    unittest.main()
