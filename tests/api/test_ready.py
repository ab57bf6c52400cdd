"""GET /api/ready (docs/api.md, Health and readiness): 200 only when the
database answers, the key files tix-tickets reads are usable and every
migration of TIX_SQL_DIR is recorded; otherwise 503 unavailable naming
what is not ready.  /api/health stays liveness: the database alone."""
import json
import os
import shutil
import subprocess
import tempfile
import time

import fcgiclient
from tixclient import ApiTestCase, Client, require_env

READY = {"status": "ready", "database": "ok", "keys": "ok",
         "migrations": "current"}


class StackReadyTest(ApiTestCase):
    def test_the_test_stack_is_ready(self):
        r = Client().get("/api/ready")
        self.assertStatus(r, 200)
        self.assertEqual(r.body, READY)
        self.assertTrue(r.headers["Content-Type"].startswith(
            "application/json"))

    def test_health_stays_liveness(self):
        r = Client().get("/api/health")
        self.assertStatus(r, 200)
        self.assertEqual(r.body, {"status": "ok", "database": "ok"})

    def test_only_get(self):
        r = Client().post("/api/ready", {})
        self.assertEqual(r.status, 405, r)


class WorkerReadyTest(ApiTestCase):
    """A tix-tickets of our own, with settings of the test's."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="tix-ready-")
        self.addCleanup(shutil.rmtree, self.tmp, True)
        self.key = os.path.join(self.tmp, "attachment.key")
        shutil.copyfile(require_env("TIX_ATTACHMENT_KEY_FILE"), self.key)
        self.sql = os.path.join(self.tmp, "sql")
        shutil.copytree(require_env("TIX_SQL_DIR"), self.sql)

    def start(self, **env):
        sock = os.path.join(self.tmp, "tickets.sock")
        log = open(os.path.join(self.tmp, "tickets.log"), "w")
        self.addCleanup(log.close)
        settings = dict(os.environ, TIX_ATTACHMENT_KEY_FILE=self.key,
                        TIX_SQL_DIR=self.sql)
        settings.pop("TIX_METRICS_DIR", None)   # the stack's counters
        settings.update(env)
        proc = subprocess.Popen(["tix-tickets", "--listen", "unix:" + sock,
                                 "--workers", "1"], stdout=log, stderr=log,
                                env=settings)

        def stop():
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
        self.addCleanup(stop)
        deadline = time.time() + 20
        while time.time() < deadline:
            if os.path.exists(sock):
                try:
                    if self.get(sock, "/api/health") is not None:
                        return sock
                except OSError:
                    pass
            self.assertIsNone(proc.poll(), "tix-tickets exited")
            time.sleep(0.05)
        self.fail("tix-tickets does not answer on %s" % sock)

    def get(self, sock, path):
        return fcgiclient.request(sock, "GET", path)

    def ready(self, sock):
        r = self.get(sock, "/api/ready")
        self.assertIsNotNone(r)
        return r[0], json.loads(r[2])

    def assertNotReady(self, sock, **fields):
        status, body = self.ready(sock)
        self.assertEqual(status, 503, body)
        self.assertEqual(body["error"]["code"], "unavailable", body)
        self.assertIsInstance(body["error"]["message"], str)
        self.assertEqual(body["error"].get("fields"), fields, body)

    def test_ready_with_the_stacks_settings(self):
        sock = self.start()
        self.assertEqual(self.ready(sock), (200, READY))

    def test_a_pending_migration(self):
        with open(os.path.join(self.sql, "999_ready_test.sql"), "w") as f:
            f.write("SELECT 1;\n")
        sock = self.start()
        self.assertNotReady(sock, migrations="pending")
        # Alive all the same: liveness does not look at migrations.
        r = self.get(sock, "/api/health")
        self.assertEqual(r[0], 200, r)
        # No name of a file for an anonymous client, but the log has it.
        body = self.get(sock, "/api/ready")[2].decode()
        self.assertNotIn("999_ready_test", body)
        deadline = time.time() + 5
        while time.time() < deadline:
            with open(os.path.join(self.tmp, "tickets.log")) as f:
                if "999_ready_test.sql" in f.read():
                    break
            time.sleep(0.1)
        else:
            self.fail("the log does not name the pending migration")

    def test_a_key_file_that_cannot_be_read(self):
        sock = self.start()
        self.assertEqual(self.ready(sock)[0], 200)
        # Gone after start-up (a rotation gone wrong, a volume lost).
        os.rename(self.key, self.key + ".away")
        self.assertNotReady(
            sock, keys="TIX_ATTACHMENT_KEY_FILE is not usable")
        r = self.get(sock, "/api/health")
        self.assertEqual(r[0], 200, r)
        # Back: ready again at once (the keys are not cached).
        os.rename(self.key + ".away", self.key)
        self.assertEqual(self.ready(sock), (200, READY))

    def test_a_key_file_that_holds_no_key(self):
        sock = self.start()
        with open(self.key, "wb") as f:
            f.write(b"short\n")
        self.assertNotReady(
            sock, keys="TIX_ATTACHMENT_KEY_FILE is not usable")

    def test_an_unreachable_database(self):
        sock = self.start(TIX_DATABASE_URL="host=127.0.0.1 port=1 "
                          "dbname=tix connect_timeout=2")
        self.assertNotReady(sock, database="unreachable")
