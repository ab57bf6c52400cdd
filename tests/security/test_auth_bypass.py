"""Authentication that must not tell users apart or let a foreign site
act (security.md 21, 22, 29): the timing half of "identical answers",
and a state change from another origin.

The rest of 21-31 is tests/api's: identical bodies
(test_auth.test_identical_failures, test_reset.test_any_address_gets_202),
throttles (test_auth, test_reset.test_requests_are_limited_per_address),
sessions (test_auth, test_sessions, test_password), tokens (test_tokens,
test_reset.test_bad_tokens_and_bodies), CSRF and CORS (test_auth)."""

import statistics
import time
import unittest
import uuid

from tixclient import (ApiTestCase, Client, count_tickets, disable_user,
                       login, make_user, ticket_body, unique)

TRIES = 6
# The medians of two kinds of attempt may differ by this factor at most.
# The leak it catches is a path that skips password hashing (argon2id:
# tens of milliseconds against one): a factor of ten or more.
RATIO = 2.0


def fresh_address():
    b = uuid.uuid4().bytes
    return "127.%d.%d.%d" % (100 + b[0] % 100, b[1], 1 + b[2] % 250)


def timed(fn):
    t = time.perf_counter()
    r = fn()
    return time.perf_counter() - t, r


class TimingTest(ApiTestCase):

    def assertSameTime(self, samples):
        medians = {k: statistics.median(v) for k, v in samples.items()}
        lo, hi = min(medians.values()), max(medians.values())
        self.assertLess(hi / lo, RATIO, "median seconds: %r" % medians)

    def test_login_failures_take_the_same_time(self):
        """21: an unknown address, a known one with a wrong password and
        a disabled account, each tried from addresses of its own (no
        throttle in the way), interleaved."""
        known = make_user("customer")
        gone = make_user("customer")
        disable_user(gone.email)
        kinds = {
            "unknown": lambda: ("nobody-%s@example.com" % unique("u"),
                                "whatever-pass-1"),
            "wrong": lambda: (known.email, "wrong-%s" % unique("p")),
            "disabled": lambda: (gone.email, gone.password),
        }
        samples = {k: [] for k in kinds}
        for _ in range(TRIES):
            for k, creds in kinds.items():
                email, pw = creds()
                c = Client(source=fresh_address())
                s, r = timed(lambda: c.post(
                    "/api/auth/login", {"email": email, "password": pw}))
                self.assertError(r, 401, "invalid_credentials")
                samples[k].append(s)
        self.assertSameTime(samples)

    def test_reset_requests_take_the_same_time(self):
        """22: a reset for a registered address (a mail is queued) and
        for an unknown one."""
        users = [make_user("customer") for _ in range(TRIES)]
        samples = {"registered": [], "unknown": []}
        for u in users:
            for k, email in (("registered", u.email),
                             ("unknown", "nobody-%s@example.com" %
                              unique("r"))):
                c = Client(source=fresh_address())
                s, r = timed(lambda: c.post("/api/auth/password-reset",
                                            {"email": email}))
                self.assertStatus(r, 202)
                samples[k].append(s)
        self.assertSameTime(samples)


class ForeignOriginTest(ApiTestCase):
    """29: a form or script on another site posting with the victim's
    cookie: without the CSRF token it is 403 csrf_failed and nothing is
    written, whatever Origin or Referer say."""

    def test_cross_site_posts_write_nothing(self):
        user = make_user("customer")
        c = login(user)
        before = count_tickets(user.email)
        for headers in ({"Origin": "https://evil.example"},
                        {"Origin": "null"},
                        {"Referer": "https://evil.example/form"},
                        {"Origin": c.base_url}):
            for ctype in ("application/x-www-form-urlencoded",
                          "text/plain", "multipart/form-data; boundary=x"):
                with self.subTest(headers=headers, ctype=ctype):
                    r = c.post("/api/tickets", raw=b"subject=x",
                               content_type=ctype, csrf=None,
                               headers=headers)
                    self.assertError(r, 403, "csrf_failed")
                    self.assertIsNone(
                        r.headers.get("Access-Control-Allow-Origin"))
            with self.subTest(headers=headers, ctype="json"):
                r = c.post("/api/tickets", ticket_body(), csrf=None,
                           headers=headers)
                self.assertError(r, 403, "csrf_failed")
        self.assertEqual(count_tickets(user.email), before)


if __name__ == "__main__":
    unittest.main()
