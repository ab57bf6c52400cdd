"""The append-only audit trail of account security (security_events)
and tix-admin security-events."""

import unittest

from test_twofactor import set_up_2fa
from tixclient import (ApiTestCase, Client, fresh_address, login,
                       make_user, psql, psql_rows, tix_admin, unique)
from totp import code_at, mid_step


def events(email):
    """(kind, outcome, address, user_agent) of the user's events, oldest
    first."""
    return [tuple(r) for r in psql_rows(
        "SELECT kind, outcome, address, user_agent FROM security_events"
        " WHERE email = lower(:'p1') ORDER BY id", email)]


class AuditTest(ApiTestCase):

    def test_logins_and_failures(self):
        user = make_user("customer")
        addr = fresh_address()
        agent = "AuditBrowser/" + unique("v")
        c = Client(source=addr)
        r = c.post("/api/auth/login", {"email": user.email,
                                       "password": "wrong"},
                   headers={"User-Agent": agent})
        self.assertStatus(r, 401)
        for i in range(4):
            c.post("/api/auth/login", {"email": user.email,
                                       "password": "wrong%d" % i})
        r = c.post("/api/auth/login", {"email": user.email,
                                       "password": user.password})
        self.assertStatus(r, 429)
        ok = login(user, source=fresh_address())
        self.assertStatus(ok.logout(), 204)
        got = events(user.email)
        self.assertEqual(got[0], ("login", "failure", addr, agent))
        self.assertEqual([g[:2] for g in got[5:]],
                         [("login", "rate_limited"), ("login", "success"),
                          ("logout", "success")])
        self.assertEqual(psql(
            "SELECT count(*) FROM security_events WHERE email = :'p1'"
            " AND user_id = (SELECT id FROM users WHERE email = :'p1')",
            user.email), str(len(got)))
        # Failures for an address with no account are kept too.
        nobody = "nobody-%s@example.com" % unique("a")
        Client().post("/api/auth/login", {"email": nobody, "password": "x"})
        self.assertEqual([g[:2] for g in events(nobody)],
                         [("login", "failure")])

    def test_two_factor_password_and_sessions(self):
        user = make_user("agent")
        c, secret, codes, step = set_up_2fa(user)
        other = Client()
        r = other.post("/api/auth/login", {"email": user.email,
                                           "password": user.password})
        challenge = r.body["challenge"]
        other.post("/api/auth/login/2fa", {"challenge": challenge,
                                           "code": "000000"})
        r = other.post("/api/auth/login/2fa", {"challenge": challenge,
                                               "code": codes[0]})
        self.assertStatus(r, 200)
        other.csrf_token = r.body["csrf_token"]
        sid = [s["id"] for s in c.get("/api/me/sessions").body["sessions"]
               if not s["current"]][0]
        self.assertStatus(c.delete("/api/me/sessions/%d" % sid), 204)
        self.assertStatus(c.delete("/api/me/sessions"), 204)
        c.post("/api/me/password", {"current_password": "nope",
                                    "new_password": "Zq7-ckb5vL9-wq"})
        self.assertStatus(c.post("/api/me/password", {
            "current_password": user.password,
            "new_password": "Zq7-ckb5vL9-wq"}), 204)
        self.assertStatus(c.post("/api/me/2fa/disable", {
            "password": "Zq7-ckb5vL9-wq", "code": codes[1]}), 204)
        tix_admin("user", "logout", "--email", user.email)
        set_up_2fa(type(user)(user.email, "Zq7-ckb5vL9-wq", user.name,
                              user.role, user.account, user.timezone))
        tix_admin("user", "reset-2fa", "--email", user.email)
        kinds = [g[:2] for g in events(user.email)]
        for want in (("2fa_setup", "success"), ("2fa_enable", "success"),
                     ("login_2fa", "failure"), ("login_2fa", "success"),
                     ("session_revoke", "success"),
                     ("sessions_revoke_others", "success"),
                     ("password_change", "failure"),
                     ("password_change", "success"),
                     ("2fa_disable", "success"),
                     ("admin_logout", "success"),
                     ("2fa_reset", "success")):
            self.assertIn(want, kinds)
        self.assertIn(("2fa_reset", "success", "tix-admin", "tix-admin"),
                      events(user.email))

    def test_resets(self):
        user = make_user("customer")
        self.assertStatus(Client().post("/api/auth/password-reset",
                                        {"email": user.email}), 202)
        self.assertIn(("password_reset_request", "success"),
                      [g[:2] for g in events(user.email)])

    def test_append_only_and_admin_listing(self):
        user = make_user("customer")
        login(user)
        for sql in ("UPDATE security_events SET outcome = 'failure'"
                    " WHERE email = :'p1'",
                    "DELETE FROM security_events WHERE email = :'p1'",
                    "TRUNCATE security_events"):
            with self.subTest(sql=sql[:20]):
                with self.assertRaises(RuntimeError) as cm:
                    psql(sql, user.email)
                self.assertIn("append-only", str(cm.exception))
        p = tix_admin("security-events", "--email", user.email.upper())
        lines = p.stdout.strip().splitlines()
        self.assertEqual(lines[0].split("\t")[:3],
                         ["time", "event", "outcome"])
        self.assertEqual(lines[1].split("\t")[1:3], ["login", "success"])
        p = tix_admin("security-events", "--email",
                      "nobody-%s@example.com" % unique("q"))
        self.assertEqual(p.stdout, "")
        self.assertIn("no security events", p.stderr)
        p = tix_admin("security-events", check=False)
        self.assertEqual(p.returncode, 2)
        # No route shows them.
        c = login(user)
        for path in ("/api/me/security-events", "/api/security-events"):
            self.assertEqual(c.get(path).status, 404)


if __name__ == "__main__":
    unittest.main()
