"""The database's disk full (security.md F7).

The tickets table is moved to a tablespace on a small tmpfs, which is
then filled to the last byte, under a load of creates.  Promise: a
create that needs room is 503 `unavailable` (SQLSTATE 53100), nothing of
it is written; reads go on; when space returns the same workers write
again, and every acknowledged create is there once."""

import os
import shutil
import subprocess
import tempfile
import time
import unittest

from faultkit import (ApiTestCase, Client, HttpSender, Load, admin_sql,
                      bearer_token, fill_up, psql_int)

SPACE = "tix_fault_full"


class DiskFullTest(ApiTestCase):
    def setUp(self):
        if os.geteuid() != 0:
            self.skipTest("needs root to mount a small tmpfs")
        self.dir = tempfile.mkdtemp(prefix="tix-fault-space-")
        size = int(admin_sql("SELECT pg_table_size('tickets')"))
        # Room for the table twice over (VACUUM FULL below writes a copy).
        mb = 2 * size // (1 << 20) + 3
        subprocess.run(["mount", "-t", "tmpfs", "-o",
                        "size=%dm,mode=0700" % mb, "tix-fault-space",
                        self.dir], check=True)
        self.addCleanup(shutil.rmtree, self.dir, True)
        self.addCleanup(subprocess.run, ["umount", "-l", self.dir])
        shutil.chown(self.dir, "postgres", "postgres")
        self.space = os.path.join(self.dir, "pg")
        os.mkdir(self.space, 0o700)
        shutil.chown(self.space, "postgres", "postgres")
        admin_sql("CREATE TABLESPACE %s LOCATION '%s'" % (SPACE, self.space))
        self.addCleanup(admin_sql, "DROP TABLESPACE %s" % SPACE)
        admin_sql("ALTER TABLE tickets SET TABLESPACE %s" % SPACE)
        self.addCleanup(admin_sql,
                        "ALTER TABLE tickets SET TABLESPACE pg_default")
        # Packed pages: once the disk is full, the next creates need a
        # new page, not the free room earlier tests left in old ones.
        admin_sql("VACUUM FULL tickets")
        self.filler = os.path.join(self.dir, "filler")
        self.addCleanup(lambda: os.path.exists(self.filler) and
                        os.unlink(self.filler))

    def test_full_disk_is_503_then_recovery(self):
        token = bearer_token()
        reader = Client(token=token)
        with Load([HttpSender(token) for _ in range(3)]) as load:
            load.wait_acked(5)
            fill_up(self.filler)
            # The last pages' free room goes first; then every create
            # needs a new page and gets 503.
            deadline = time.monotonic() + 30
            while load.failures.get((503, "unavailable"), 0) < 10:
                self.assertLess(time.monotonic(), deadline, load.failures)
                time.sleep(0.05)
            # Writes stall: PostgreSQL may have added a page or two to
            # the table before the disk ran out (it extends by several
            # under contention), whose room a few creates still take;
            # then half a second passes without one acknowledged.
            deadline = time.monotonic() + 30
            while True:
                stalled = load.acked_count()
                time.sleep(0.5)
                if load.acked_count() == stalled:
                    break
                self.assertLess(time.monotonic(), deadline,
                                "creates never stalled on a full disk")
            # Reading needs no room.
            r = reader.get("/api/tickets", query={"per_page": 5})
            self.assertEqual(r.status, 200, r)
            os.unlink(self.filler)
            load.wait_acked(10)
        load.check(self)
        self.assertEqual(set(load.failures), {(503, "unavailable")},
                         load.failures)
        # No ticket without its first timeline row.
        self.assertEqual(psql_int(
            "SELECT count(*) FROM tickets t WHERE NOT EXISTS"
            " (SELECT 1 FROM ticket_entries e WHERE e.ticket_id = t.id)"), 0)


if __name__ == "__main__":
    unittest.main()
