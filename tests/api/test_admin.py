"""tix-admin: migrate is idempotent; user add and disable check their
input, say what they did, and exit non-zero on every error."""
import os
import shutil
import subprocess
import tempfile
import uuid

from tixclient import (ApiTestCase, Client, make_user, psql, psql_int,
                       tix_admin, unique)


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

    def test_check_says_up_to_date(self):
        p = tix_admin("migrate", "--check")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("0 migration(s) pending", p.stdout)

    def run_with_sql_dir(self, *args):
        env = dict(os.environ, TIX_SQL_DIR=self.sql_dir)
        return subprocess.run(["tix-admin", "migrate"] + list(args),
                              capture_output=True, text=True, env=env,
                              timeout=60)

    def test_check_and_dry_run_of_a_new_migration_change_nothing(self):
        # The real migrations and one more, never applied for real.
        probe = "migrate_probe_%s" % uuid.uuid4().hex[:8]
        self.sql_dir = tempfile.mkdtemp(prefix="tix-sql.")
        self.addCleanup(shutil.rmtree, self.sql_dir)
        real = os.environ.get("TIX_SQL_DIR") or os.path.join(
            os.path.dirname(__file__), "..", "..", "sql")
        for name in os.listdir(real):
            if name.endswith(".sql"):
                shutil.copy(os.path.join(real, name), self.sql_dir)
        with open(os.path.join(self.sql_dir, "999_probe.sql"), "w") as f:
            f.write("CREATE TABLE %s (x int);\n"
                    "INSERT INTO %s SELECT generate_series(1, 1000);\n"
                    % (probe, probe))
        migrations = psql_int("SELECT count(*) FROM schema_migrations")

        p = self.run_with_sql_dir("--check")
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        self.assertIn("pending 999_probe.sql", p.stdout, p.stderr)
        self.assertIn("1 migration(s) pending", p.stdout)

        p = self.run_with_sql_dir("--dry-run")
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertRegex(p.stdout, r"would apply 999_probe\.sql \(ran in "
                         r"[0-9.]+ s, rolled back\)")
        self.assertIn("nothing was changed", p.stdout)
        self.assertEqual(psql_int("SELECT count(*) FROM pg_class "
                                  "WHERE relname = :'p1'", probe), 0)
        self.assertEqual(psql_int("SELECT count(*) FROM schema_migrations"),
                         migrations)
        # Still pending afterwards.
        self.assertEqual(self.run_with_sql_dir("--check").returncode, 1)

    def test_dry_run_of_a_broken_migration_fails_and_changes_nothing(self):
        self.sql_dir = tempfile.mkdtemp(prefix="tix-sql.")
        self.addCleanup(shutil.rmtree, self.sql_dir)
        with open(os.path.join(self.sql_dir, "999_broken.sql"), "w") as f:
            f.write("CREATE TABLE broken_probe (x int);\nSELEKT 1;\n")
        p = self.run_with_sql_dir("--dry-run")
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        self.assertIn("999_broken.sql failed", p.stderr)
        self.assertEqual(psql_int("SELECT count(*) FROM pg_class "
                                  "WHERE relname = 'broken_probe'"), 0)

    def test_unknown_option_is_a_usage_error(self):
        p = tix_admin("migrate", "--force", check=False)
        self.assertEqual(p.returncode, 2)
        self.assertIn("usage", p.stderr)


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


class OutboxTest(ApiTestCase):
    """tix-admin outbox list [--failed] and retry ID|--all-failed."""

    def failed_notice(self, error, fail=True):
        """A fresh ticket's first notice, marked failed as tix-notify
        would after a 5xx (unless not fail); its id."""
        c = Client()
        user = make_user("customer")
        c.login(user.email, user.password)
        r = c.post("/api/tickets", {"subject": "Outbox " + unique("s"),
                                    "category": "general",
                                    "description": "Mail me."})
        self.assertStatus(r, 201)
        number = int(r.json()["ticket"]["number"].split("-")[1])
        oid = psql_int("SELECT min(id) FROM outbox WHERE ticket_number = "
                       ":'p1'", number)
        if fail:
            psql("UPDATE outbox SET status = 'failed', attempts = 20, "
                 "last_error = :'p2' WHERE id = :'p1'", oid, error)
        return oid, number

    def test_list_shows_failed_notices_with_their_error(self):
        queued, _ = self.failed_notice(None, fail=False)
        oid, number = self.failed_notice("550 mailbox unavailable")
        p = tix_admin("outbox", "list", "--failed")
        # A header, a row each, a count.
        line = [ln for ln in p.stdout.splitlines()[1:-1]
                if ln.split()[:1] == [str(oid)]]
        self.assertEqual(len(line), 1, p.stdout)
        self.assertIn("TICK-%d" % number, line[0])
        self.assertIn("failed", line[0])
        self.assertIn("550 mailbox unavailable", line[0])
        # Every row of --failed is failed; without it queued ones show too.
        rows = [ln for ln in p.stdout.splitlines()[1:-1]]
        self.assertTrue(all(ln.split()[2] == "failed" for ln in rows), rows)
        self.assertNotIn(str(queued), [ln.split()[0] for ln in rows])
        p = tix_admin("outbox", "list", "--limit", "10000")
        rows = {ln.split()[0]: ln.split()[2]
                for ln in p.stdout.splitlines()[1:-1]}
        self.assertEqual(rows.get(str(queued)), "queued", p.stdout)
        self.assertEqual(rows.get(str(oid)), "failed", p.stdout)
        self.assertNotIn("sent", rows.values())

    def test_retry_one_queues_it_again_due_now(self):
        oid, _ = self.failed_notice("554 rejected")
        p = tix_admin("outbox", "retry", str(oid))
        self.assertIn("1 notification(s) queued again", p.stdout)
        self.assertEqual(psql("SELECT status || ' ' || attempts || ' ' || "
                              "(next_attempt_at <= now()) FROM outbox "
                              "WHERE id = :'p1'", oid), "queued 0 true")
        # It is not failed any more: a second retry says so.
        p = tix_admin("outbox", "retry", str(oid), check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn("not a failed one", p.stderr)

    def test_retry_all_failed(self):
        ids = [self.failed_notice("timeout")[0] for _ in range(2)]
        p = tix_admin("outbox", "retry", "--all-failed")
        self.assertRegex(p.stdout, r"^\d+ notification\(s\) queued again")
        self.assertGreaterEqual(int(p.stdout.split()[0]), 2)
        self.assertEqual(psql_int("SELECT count(*) FROM outbox WHERE id IN "
                                  "(:'p1', :'p2') AND status = 'queued'",
                                  *ids), 2)
        self.assertEqual(psql_int("SELECT count(*) FROM outbox "
                                  "WHERE status = 'failed'"), 0)

    def test_bad_arguments_are_usage_errors(self):
        for args in (["outbox", "retry"], ["outbox", "retry", "x"],
                     ["outbox", "retry", "0"], ["outbox", "list", "--limit",
                                                "0"], ["outbox", "purge"]):
            p = tix_admin(*args, check=False)
            self.assertEqual(p.returncode, 2, (args, p.stdout, p.stderr))
            self.assertIn("usage", p.stderr + p.stdout)
