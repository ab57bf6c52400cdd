"""A migration marked `-- tix:no-transaction` runs outside a transaction
block, so that CREATE INDEX CONCURRENTLY builds an index on a big table
while writes to it go on (docs/upgrade.md)."""
import os
import shutil
import subprocess
import tempfile
import threading
import time
import uuid

from tixclient import ApiTestCase, psql, psql_int


class OnlineMigrationTest(ApiTestCase):
    def setUp(self):
        self.table = "online_probe_%s" % uuid.uuid4().hex[:8]
        self.name = "999_%s.sql" % self.table
        self.sql_dir = tempfile.mkdtemp(prefix="tix-sql.")
        self.addCleanup(shutil.rmtree, self.sql_dir)
        psql("CREATE TABLE %s (id bigserial PRIMARY KEY, x int);"
             "INSERT INTO %s (x) SELECT g %% 1000 FROM "
             "generate_series(1, 300000) g" % (self.table, self.table))
        self.addCleanup(psql, "DROP TABLE %s; DELETE FROM schema_migrations"
                        " WHERE version = '%s'" % (self.table, self.name))
        with open(os.path.join(self.sql_dir, self.name), "w") as f:
            f.write("-- tix:no-transaction\n"
                    "CREATE INDEX CONCURRENTLY IF NOT EXISTS %s_x_idx "
                    "ON %s (x);\n" % (self.table, self.table))

    def migrate(self, *args):
        env = dict(os.environ, TIX_SQL_DIR=self.sql_dir)
        return subprocess.run(["tix-admin", "migrate"] + list(args),
                              capture_output=True, text=True, env=env,
                              timeout=120)

    def index_valid(self):
        return psql("SELECT string_agg(i.indisvalid::text, ',') FROM "
                    "pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
                    "WHERE c.relname = '%s_x_idx'" % self.table)

    def test_concurrent_index_while_writes_go_on(self):
        p = self.migrate("--check")
        self.assertEqual(p.returncode, 1)
        self.assertIn("pending %s (runs outside a transaction)" % self.name,
                      p.stdout)
        p = self.migrate("--dry-run")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("would apply %s (runs outside a transaction, so not "
                      "tried)" % self.name, p.stdout)
        self.assertEqual(self.index_valid(), "")

        # Writes during the build: none waits for it for long.
        stop, waits = threading.Event(), []

        def write():
            while not stop.is_set():
                t0 = time.monotonic()
                psql("INSERT INTO %s (x) VALUES (1)" % self.table)
                waits.append(time.monotonic() - t0)

        w = threading.Thread(target=write)
        w.start()
        try:
            time.sleep(0.3)
            p = self.migrate()
        finally:
            stop.set()
            w.join()
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertRegex(p.stdout, "ran %s outside a transaction in [0-9.]+ s"
                         % self.name)
        self.assertEqual(self.index_valid(), "true")
        self.assertGreater(len(waits), 3)
        self.assertLess(max(waits), 5, waits)
        self.assertEqual(psql_int("SELECT count(*) FROM schema_migrations "
                                  "WHERE version = '%s'" % self.name), 1)
        p = self.migrate()
        self.assertIn("0 migration(s) applied", p.stdout)
