"""Settings are checked at start: every program refuses a bad TIX_* value
with exit status 2 (tix-mailin: 78) and one line naming the setting and what is wrong,
before it serves anything; `tix-admin config check` prints the effective
configuration with the secrets masked."""
import os
import subprocess
import tempfile
import unittest

PROGRAMS = {
    "tix-auth": ["--listen", "unix:/nonexistent/dir/auth.sock"],
    "tix-tickets": ["--listen", "unix:/nonexistent/dir/tickets.sock"],
    "tix-files": ["--listen", "unix:/nonexistent/dir/files.sock"],
    "tix-scheduler": ["--once"],
    "tix-notify": ["--once"],
    "tix-mailin": ["--stdin"],
    "tix-admin": ["migrate", "--check"],
}

# (setting, bad value, what the one line says), a few of each kind.
BAD = [
    ("TIX_SESSION_IDLE_MINUTES", "abc", "must be a whole number from 1"),
    ("TIX_SESSION_IDLE_MINUTES", "0", "must be a whole number from 1"),
    ("TIX_SESSION_IDLE_MINUTES", "525601", "to 525600"),
    ("TIX_MAX_FILES", "5x", "must be a whole number from 1 to 20"),
    ("TIX_MAX_FILES", "-1", "must be a whole number from 1 to 20"),
    ("TIX_REQUIRE_2FA_FOR_STAFF", "yes", "from 0 to 1"),
    ("TIX_PUBLIC_BASE_URL", "ftp://tix.example", "scheme that is not"),
    ("TIX_PUBLIC_BASE_URL", "https://", "has no host"),
    ("TIX_PUBLIC_BASE_URL", "https://tix.example:0/", "bad port"),
    ("TIX_PUBLIC_BASE_URL", "https://ti x.example", "printable ASCII"),
    ("TIX_PUBLIC_BASE_URL", "tix.example", "is not a URL"),
    ("TIX_SUPPORT_ADDRESS", "support", "plain address"),
    ("TIX_SUPPORT_ADDRESS", "a+b@tix.example", "plain address"),
    ("TIX_TRUSTED_PROXIES", "10.0.0.0/33", "addresses or networks"),
    ("TIX_DATABASE_URL", "dbname", "keyword without"),
    ("TIX_DATABASE_URL", "host='db dbname=tix", "unterminated quoted"),
    ("TIX_DATABASE_URL", "Host=db", "not a libpq connection string"),
]

# Only the programs that read these check them.
BAD_FOR = [
    ("TIX_ATTACHMENT_KEY_FILE", "tix-tickets", "cannot be read"),
    ("TIX_ATTACHMENT_KEY_FILE", "tix-files", "must hold a 32-byte key"),
    ("TIX_TOTP_KEY_FILE", "tix-auth", "must hold a 32-byte key"),
    ("TIX_MAIL_TOKEN_KEY_FILE", "tix-notify", "cannot be read"),
    ("TIX_MAIL_TOKEN_KEY_FILE", "tix-mailin", "is not a regular file"),
    ("TIX_SMTP_URL", "tix-notify", "scheme that is not allowed"),
    ("TIX_METRICS_DIR", "tix-files", "is not a directory"),
    ("TIX_SOCKET_MODE", "tix-auth", "octal file mode"),
    ("TIX_SQL_DIR", "tix-admin", "No such file or directory"),
    ("TIX_DATABASE_READ_URL", "tix-tickets", "unterminated quoted"),
]


# tix-mailin --stdin runs under an MTA, which defers a message on 78
# (EX_CONFIG) and would bounce it on 2.
STATUS = {"tix-mailin": 78}


def run(program, env, *args):
    return subprocess.run([program] + list(args or PROGRAMS[program]),
                          capture_output=True, text=True, env=env,
                          stdin=subprocess.DEVNULL, timeout=30)


class ConfigTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="tix-config.")
        self.short_key = os.path.join(self.dir, "short.key")
        with open(self.short_key, "wb") as f:
            f.write(b"x" * 31)
        self.env = {k: v for k, v in os.environ.items()
                    if not k.startswith("TIX_") or k == "TIX_DATABASE_URL"}
        self.values = {
            "TIX_ATTACHMENT_KEY_FILE": {
                "tix-tickets": os.path.join(self.dir, "missing.key"),
                "tix-files": self.short_key},
            "TIX_TOTP_KEY_FILE": {"tix-auth": self.short_key},
            "TIX_MAIL_TOKEN_KEY_FILE": {
                "tix-notify": os.path.join(self.dir, "missing.key"),
                "tix-mailin": self.dir},
            "TIX_SMTP_URL": {"tix-notify": "http://127.0.0.1:25"},
            "TIX_METRICS_DIR": {"tix-files": self.short_key},
            "TIX_SOCKET_MODE": {"tix-auth": "0999"},
            "TIX_SQL_DIR": {"tix-admin": os.path.join(self.dir, "no")},
            "TIX_DATABASE_READ_URL": {
                "tix-tickets": "host='replica dbname=tix"},
        }

    def tearDown(self):
        subprocess.run(["rm", "-rf", self.dir], check=True)

    def assert_refused(self, program, name, value, says):
        p = run(program, dict(self.env, **{name: value}))
        self.assertEqual(p.returncode, STATUS.get(program, 2),
                         (program, name, value, p.stderr))
        lines = p.stderr.splitlines()
        self.assertEqual(len(lines), 1, (program, name, p.stderr))
        self.assertTrue(lines[0].startswith(program + ": " + name + " "),
                        lines[0])
        self.assertIn(says, lines[0])
        # A password never shows, not even in the complaint.
        self.assertNotIn("hunter2", p.stderr)

    def test_every_program_refuses_bad_values(self):
        for program in PROGRAMS:
            for name, value, says in BAD:
                with self.subTest(program=program, name=name, value=value):
                    self.assert_refused(program, name, value, says)

    def test_files_urls_and_dirs_checked_by_their_readers(self):
        for name, program, says in BAD_FOR:
            with self.subTest(program=program, name=name):
                self.assert_refused(program, name,
                                    self.values[name][program], says)

    def test_a_setting_of_another_program_is_left_alone(self):
        # docker-compose hands every service the same environment; the
        # key file is mounted only where it is read.
        env = dict(self.env, TIX_ATTACHMENT_KEY_FILE="/nonexistent/key",
                   TIX_TOTP_KEY_FILE="/nonexistent/key")
        p = run("tix-admin", env, "config", "check", "--for", "tix-notify")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("TIX_ATTACHMENT_KEY_FILE=\t(unset)", p.stdout)
        p = run("tix-admin", env, "config", "check", "--for", "tix-files")
        self.assertEqual(p.returncode, 2)
        self.assertIn("TIX_ATTACHMENT_KEY_FILE cannot be read", p.stderr)

    def test_missing_database_url(self):
        env = {k: v for k, v in self.env.items() if k != "TIX_DATABASE_URL"}
        for program in PROGRAMS:
            p = run(program, env)
            self.assertEqual(p.returncode, STATUS.get(program, 2), program)
            self.assertEqual(p.stderr.strip(), program +
                             ": TIX_DATABASE_URL is not set (see the "
                             "README's settings)")

    def test_config_check_prints_every_setting_masked(self):
        key = os.path.join(self.dir, "good.key")
        with open(key, "wb") as f:
            f.write(os.urandom(32))
        env = dict(self.env,
                   TIX_DATABASE_URL="host=db dbname=tix user=tix "
                   "password='hunter2 x' connect_timeout=5",
                   TIX_SMTP_URL="smtps://mailer:hunter2@mail.example:465",
                   TIX_ATTACHMENT_KEY_FILE=key, TIX_MAX_FILES="7",
                   TIX_SOCKET_MODE="0600",
                   TIX_PUBLIC_BASE_URL="https://tix.example/")
        p = run("tix-admin", env, "config", "check")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertNotIn("hunter2", p.stdout)
        rows = dict(line.split("=", 1) for line in
                    p.stdout.splitlines() if line.startswith("TIX_"))
        self.assertEqual(rows["TIX_DATABASE_URL"], "host=db dbname=tix "
                         "user=tix password=*** connect_timeout=5"
                         "\t(environment)")
        self.assertEqual(rows["TIX_SMTP_URL"],
                         "smtps://mailer:***@mail.example:465\t(environment)")
        self.assertEqual(rows["TIX_ATTACHMENT_KEY_FILE"],
                         key + "\t(environment)")
        self.assertEqual(rows["TIX_MAX_FILES"], "7\t(environment)")
        self.assertEqual(rows["TIX_MAX_FILE_BYTES"], "10485760\t(default)")
        self.assertEqual(rows["TIX_SOCKET_MODE"], "0600\t(environment)")
        self.assertEqual(rows["TIX_PUBLIC_BASE_URL"],
                         "https://tix.example\t(environment)")
        self.assertEqual(rows["TIX_MAIL_AUTHSERV_ID"], "\t(unset)")
        # Every setting of the README's table is there.
        with open(os.path.join(os.path.dirname(__file__), "..", "..",
                               "README.md")) as f:
            readme = f.read()
        for name in rows:
            self.assertIn("`%s`" % name, readme)
        self.assertGreaterEqual(len(rows), 28)
        self.assertIn("configuration valid", p.stdout)

    def test_config_check_refuses_a_bad_one(self):
        env = dict(self.env, TIX_RETENTION_LOGIN_DAYS="forever")
        p = run("tix-admin", env, "config", "check")
        self.assertEqual(p.returncode, 2)
        self.assertEqual(p.stdout, "")
        self.assertIn("TIX_RETENTION_LOGIN_DAYS must be a whole number",
                      p.stderr)


if __name__ == "__main__":
    unittest.main()
