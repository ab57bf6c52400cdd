"""tix-admin backup and restore: tickets with files are backed up, the
database is destroyed and made anew, and the restore brings back every
ticket, entry and file byte for byte as the API shows them.  A damaged
backup, a database that is not empty and a key file that differs are
refused before anything changes (docs/backup.md)."""
import hashlib
import http.client
import os
import shutil
import signal
import stat
import subprocess
import tempfile
import time

from test_rolling_restart import alive, read_pid, wait_for
from tixclient import (ApiTestCase, Client, login, make_user, psql_int,
                       require_env, ticket_body, tix_admin)

PNG = b"\x89PNG\r\n\x1a\n" + os.urandom(3000)
TEXT = "r\u00e9sum\u00e9 \u20ac\n".encode() * 200


def multipart(fields, files):
    boundary = "tixbackup" + os.urandom(8).hex()
    out = []
    for k, v in fields.items():
        out.append(('--%s\r\nContent-Disposition: form-data; name="%s"'
                    '\r\n\r\n%s\r\n' % (boundary, k, v)).encode())
    for name, data in files:
        out.append(('--%s\r\nContent-Disposition: form-data; '
                    'name="attachments"; filename="%s"\r\nContent-Type: '
                    'application/octet-stream\r\n\r\n' % (boundary, name))
                   .encode() + data + b"\r\n")
    out.append(("--%s--\r\n" % boundary).encode())
    return b"".join(out), "multipart/form-data; boundary=" + boundary


def admin_psql(sql):
    url = require_env("TIX_TEST_PG_ADMIN_URL") + " dbname=postgres"
    subprocess.run(["psql", url, "-X", "-q", "-v", "ON_ERROR_STOP=1",
                    "-c", sql], check=True, capture_output=True, timeout=60)


def rolling_restart(pidfile):
    old = read_pid(pidfile)
    os.kill(old, signal.SIGUSR2)
    wait_for("a successor", lambda: read_pid(pidfile) != old, 30)
    wait_for("the old parent to end", lambda: not alive(old), 40)


def restore(*args, env=None):
    return subprocess.run(["tix-admin", "restore"] + list(args),
                          capture_output=True, text=True, timeout=300,
                          env=dict(os.environ, **(env or {})))


class BackupRestoreTest(ApiTestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="tix-backup.")
        self.addCleanup(shutil.rmtree, self.dir)
        self.cust = make_user("customer")
        self.agent = make_user("agent")
        self.c = login(self.cust)
        self.a = login(self.agent)

    def fill(self):
        for i in range(3):
            body, ctype = multipart(ticket_body(), [
                ("screen%d.png" % i, PNG), ("log%d.txt" % i, TEXT)])
            r = self.c.post("/api/tickets", raw=body, content_type=ctype)
            self.assertEqual(r.status, 201, r)
            n = r.body["ticket"]["number"]
            body, ctype = multipart({"body": "see the attached trace"},
                                    [("trace.txt", os.urandom(2500).hex().encode())])
            r = self.a.post("/api/tickets/%s/messages" % n, raw=body,
                            content_type=ctype)
            self.assertEqual(r.status, 201, r)
            r = self.a.post("/api/tickets/%s/messages" % n,
                            {"body": "internal: check the license",
                             "internal": True})
            self.assertEqual(r.status, 201, r)

    def snapshot(self, client):
        """Every ticket the client sees: its detail (timeline included)
        and the bytes of each of its files."""
        seen, page = {}, 1
        while True:
            r = client.get("/api/tickets", query={"per_page": "100",
                                                  "page": str(page)})
            self.assertEqual(r.status, 200, r)
            for t in r.body["tickets"]:
                d = client.get("/api/tickets/" + t["number"])
                self.assertEqual(d.status, 200, d)
                files = {}
                for att in d.body["ticket"]["attachments"]:
                    # As the API answers: other tests leave files damaged
                    # on purpose, and those must stay so.
                    try:
                        f = client.get(att["url"])
                        files[att["url"]] = (
                            f.status, hashlib.sha256(f.raw).hexdigest())
                    except http.client.IncompleteRead as e:
                        # A damaged chunk ends the download half-way.
                        files[att["url"]] = (
                            "cut", hashlib.sha256(e.partial).hexdigest())
                seen[t["number"]] = (d.body["ticket"], files)
            if not r.body["tickets"] or len(seen) >= r.body["total"]:
                return seen
            page += 1

    def wait_healthy(self):
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if all(Client().get("/api/health").status == 200
                   for _ in range(6)):
                return
            time.sleep(0.2)
        self.fail("the workers did not reconnect")

    def test_backup_destroy_restore(self):
        self.fill()
        before_agent = self.snapshot(self.a)
        before_cust = self.snapshot(self.c)
        self.assertGreaterEqual(len(before_cust), 3)
        nfiles = sum(1 for _, f in before_agent.values()
                     for status, _ in f.values() if status == 200)
        self.assertGreaterEqual(nfiles, 9)

        to = os.path.join(self.dir, "b")
        p = tix_admin("backup", "--to", to)
        self.assertIn("backed up database tix and 3 key(s)", p.stdout)
        names = sorted(line.split("  ", 1)[1] for line in
                       open(os.path.join(to, "MANIFEST")).read().splitlines())
        self.assertEqual(names, ["backup.info", "database.dump",
                                 "keys/attachment.key",
                                 "keys/mail-token.key", "keys/totp.key"])
        # The manifest is sha256sum's format: the standard tool agrees.
        subprocess.run(["sha256sum", "--quiet", "-c", "MANIFEST"], cwd=to,
                       check=True)
        with open(require_env("TIX_ATTACHMENT_KEY_FILE"), "rb") as f:
            key = f.read()
        with open(os.path.join(to, "keys/attachment.key"), "rb") as f:
            self.assertEqual(f.read(), key)
        self.assertEqual(stat.S_IMODE(os.stat(to).st_mode), 0o700)
        # A second backup into a directory that is not empty: refused.
        p = tix_admin("backup", "--to", to, check=False)
        self.assertEqual(p.returncode, 1)
        self.assertIn("exists and is not empty", p.stderr)

        # A damaged copy is refused before anything is looked at.
        bad = os.path.join(self.dir, "bad")
        shutil.copytree(to, bad)
        with open(os.path.join(bad, "database.dump"), "r+b") as f:
            f.seek(os.path.getsize(f.name) // 2)
            b = f.read(1)
            f.seek(-1, 1)
            f.write(bytes([b[0] ^ 1]))
        p = restore("--from", bad, "--force")
        self.assertEqual(p.returncode, 1)
        self.assertIn("database.dump does not match its SHA-256 in MANIFEST",
                      p.stderr)
        self.assertIn("nothing was restored", p.stderr)
        os.unlink(os.path.join(bad, "MANIFEST"))
        p = restore("--from", bad)
        self.assertEqual(p.returncode, 1)
        self.assertIn("not a complete backup", p.stderr)

        # Into the database in use: refused, it is not empty.
        p = restore("--from", to)
        self.assertEqual(p.returncode, 1)
        self.assertIn("the database tix is not empty", p.stderr)

        # The disaster: the database is gone; a new, empty one.
        admin_psql("DROP DATABASE tix WITH (FORCE)")
        admin_psql("CREATE DATABASE tix OWNER tix")

        # A key file that holds another key: refused, nothing restored.
        other = os.path.join(self.dir, "other.key")
        with open(other, "wb") as f:
            f.write(os.urandom(32))
        p = restore("--from", to, env={"TIX_ATTACHMENT_KEY_FILE": other})
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        self.assertIn("holds another key than the backup's", p.stderr)
        self.assertEqual(psql_int("SELECT count(*) FROM pg_class c JOIN "
                                  "pg_namespace n ON n.oid = c.relnamespace"
                                  " WHERE n.nspname = 'public'"), 0)

        # The restore; a key file that is not there yet is written.
        new_totp = os.path.join(self.dir, "new-totp.key")
        p = restore("--from", to, env={"TIX_TOTP_KEY_FILE": new_totp})
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertIn("1 key file(s) written", p.stdout)
        with open(require_env("TIX_TOTP_KEY_FILE"), "rb") as f, \
                open(new_totp, "rb") as g:
            self.assertEqual(f.read(), g.read())
        self.assertEqual(stat.S_IMODE(os.stat(new_totp).st_mode), 0o400)
        self.assertEqual(tix_admin("migrate", "--check").returncode, 0)

        self.wait_healthy()
        # Sessions are in the database too: the same clients go on.
        self.assertEqual(self.snapshot(self.a), before_agent)
        self.assertEqual(self.snapshot(self.c), before_cust)

        # --force restores over what is there; the tables are new ones,
        # so the workers are restarted (rolling, docs/upgrade.md) to
        # prepare their statements anew.
        p = restore("--from", to, "--force")
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertIn("restart the workers", p.stdout)
        for env in ("TIX_TEST_AUTH_PIDFILE", "TIX_TEST_TICKETS_PIDFILE",
                    "TIX_TEST_FILES_PIDFILE"):
            rolling_restart(require_env(env))
        self.wait_healthy()
        self.assertEqual(self.snapshot(self.a), before_agent)


if __name__ == "__main__":
    import unittest
    unittest.main()
