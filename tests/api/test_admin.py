"""tix-admin: migrate is idempotent; user add and disable check their
input, say what they did, and exit non-zero on every error."""
import uuid

from tixclient import (ApiTestCase, Client, make_user, psql_int, tix_admin,
                       unique)


def add(email, *extra, password="long-enough-pw\n", role="customer",
        account=None):
    args = ["user", "add", "--email", email, "--name", "Some One",
            "--role", role, "--account", account or unique("acct")]
    return tix_admin(*(args + list(extra)), stdin=password, check=False)


class MigrateTest(ApiTestCase):
    def test_second_run_applies_nothing(self):
        before = psql_int("SELECT count(*) FROM schema_migrations")
        p = tix_admin("migrate")
        self.assertIn("0 migration(s) applied", p.stdout)
        self.assertEqual(psql_int("SELECT count(*) FROM schema_migrations"),
                         before)
        self.assertGreaterEqual(before, 1)


class UserAddTest(ApiTestCase):
    def test_added_user_can_log_in(self):
        email = "Mixed-%s@Example.com" % uuid.uuid4().hex[:8]
        p = add(email, "--timezone", "Asia/Kolkata")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn(email.lower(), p.stdout)
        c = Client()
        r = c.post("/api/auth/login",
                   {"email": email.lower(), "password": "long-enough-pw"})
        self.assertStatus(r, 200)
        self.assertEqual(r.json()["user"]["email"], email.lower())
        self.assertEqual(r.json()["user"]["account"]["timezone"],
                         "Asia/Kolkata")

    def test_account_is_shared_by_name(self):
        account = unique("acct")
        a = make_user("customer", account=account)
        b = make_user("customer", account=account)
        self.assertEqual(
            psql_int("SELECT count(DISTINCT account_id) FROM users"
                     " WHERE email IN (:'p1', :'p2')", a.email, b.email), 1)

    def test_rejections(self):
        cases = [
            ("not-an-address", [], "long-enough-pw\n", "customer", 1),
            ("a b@example.com", [], "long-enough-pw\n", "customer", 1),
            (None, ["--timezone", "Mars/Olympus"], "long-enough-pw\n",
             "customer", 1),
            (None, [], "short\n", "customer", 1),
            (None, [], "long-enough-pw\n", "superuser", 2),
        ]
        for email, extra, pw, role, code in cases:
            email = email or "x-%s@example.com" % uuid.uuid4().hex[:8]
            with self.subTest(email=email, extra=extra, role=role):
                before = psql_int("SELECT count(*) FROM users")
                p = add(email, *extra, password=pw, role=role)
                self.assertEqual(p.returncode, code, p.stdout + p.stderr)
                self.assertTrue(p.stderr.strip())
                self.assertEqual(psql_int("SELECT count(*) FROM users"),
                                 before)

    def test_address_rules_are_the_mail_code_s(self):
        """Every address tix-admin takes can be sent notices: those the
        mail code refuses (non-ASCII, an IDN domain not in its xn-- form,
        characters a header cannot carry bare) are refused here too."""
        tag = uuid.uuid4().hex[:8]
        for email in ("jos\u00e9-%s@example.com" % tag,
                      "a-%s@b\u00fccher.example" % tag,
                      "a(b)-%s@example.com" % tag,
                      "a:b-%s@example.com" % tag,
                      "a\\b-%s@example.com" % tag,
                      "a[b]-%s@example.com" % tag,
                      "x-%s@exa@mple.com" % tag,
                      "x-%s@" % tag, "@example.com"):
            with self.subTest(email=email):
                before = psql_int("SELECT count(*) FROM users")
                p = add(email)
                self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
                self.assertIn("not a valid email address", p.stderr)
                self.assertEqual(psql_int("SELECT count(*) FROM users"),
                                 before)
        p = add("a-%s@xn--bcher-kva.example" % tag)
        self.assertEqual(p.returncode, 0, p.stderr)

    def test_duplicate_address(self):
        u = make_user("customer")
        p = add(u.email.upper())
        self.assertEqual(p.returncode, 1)
        self.assertIn("exists already", p.stderr)

    def test_usage_errors(self):
        for args in (["user", "add", "--email", "x@example.com"],
                     ["user"], ["frobnicate"], ["user", "disable"]):
            with self.subTest(args=args):
                p = tix_admin(*args, check=False)
                self.assertEqual(p.returncode, 2)
                self.assertIn("usage", p.stderr)


class UserDisableTest(ApiTestCase):
    def test_unknown_address(self):
        p = tix_admin("user", "disable", "--email",
                      "nobody-%s@example.com" % uuid.uuid4().hex[:8],
                      check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn("no user", p.stderr)
