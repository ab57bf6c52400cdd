"""nginx's side: reloaded under load (security.md F26), its temporary
directory full during an upload (F13), and slow clients (F18 to F20).

Promises: a reload drops no request; an upload that cannot be spooled
is nginx's 500 in the contract's JSON, no worker sees it, nothing is
written, and uploads work again once there is space; clients that send
headers or bodies slowly, or read slowly, hold no worker and do not make
anyone else wait."""

import os
import pwd
import re
import subprocess
import threading
import time
import unittest

from faultkit import (ApiTestCase, Client, HttpSender, Load, bearer_token,
                      fill_up, psql_int, require_env, run_shell)
from test_attachments import multipart, ticket_parts


class Reader(threading.Thread):
    """GETs a ticket list and the health check until stopped; counts
    what was not 200 and the slowest answer."""

    def __init__(self, token):
        super().__init__(daemon=True)
        self.client = Client(token=token)
        self.stopping = threading.Event()
        self.ok = 0
        self.bad = []
        self.slowest = 0.0

    def run(self):
        while not self.stopping.is_set():
            for path in ("/api/tickets?per_page=5", "/api/health"):
                start = time.monotonic()
                try:
                    status = self.client.get(path).status
                except OSError as e:
                    status = type(e).__name__
                self.slowest = max(self.slowest, time.monotonic() - start)
                if status == 200:
                    self.ok += 1
                else:
                    self.bad.append((path, status))

    def stop(self):
        self.stopping.set()
        self.join(60)


class ReloadTest(ApiTestCase):
    def test_reload_under_load_fails_no_request(self):
        token = bearer_token()
        reader = Reader(token)
        reader.start()
        with Load([HttpSender(token) for _ in range(3)]) as load:
            load.wait_acked(5)
            for _ in range(5):
                run_shell("TIX_TEST_NGINX_RELOAD")
                time.sleep(0.4)
            load.wait_acked(5)
        reader.stop()
        load.check(self)
        self.assertEqual(load.failures, {})
        self.assertEqual(reader.bad, [])
        self.assertGreater(reader.ok, 10)


def nginx_temp():
    return os.path.join(require_env("TIX_TEST_STATE_DIR"), "nginx",
                        "client_temp")


class TempFullTest(ApiTestCase):
    def test_upload_with_no_room_to_spool_is_a_clean_500(self):
        if os.geteuid() != 0:
            self.skipTest("needs root to mount a small tmpfs")
        token = bearer_token()
        client = Client(token=token)
        temp = nginx_temp()
        os.makedirs(temp, exist_ok=True)
        st = os.stat(temp)
        nobody = pwd.getpwnam("nobody")
        owner = (st.st_uid, st.st_gid) if st.st_uid else \
            (nobody.pw_uid, nobody.pw_gid)
        subprocess.run(["mount", "-t", "tmpfs", "-o",
                        "size=256k,mode=0700,uid=%d,gid=%d" % owner,
                        "tix-fault", temp], check=True)
        self.addCleanup(subprocess.run, ["umount", "-l", temp])
        # Fill it: no byte left for a request body.
        fill_up(os.path.join(temp, "filler"))
        before = psql_int("SELECT count(*) FROM attachments")
        # Beyond the 128 KiB in-memory buffer: spooled to the full disk.
        body, ctype = multipart(ticket_parts(
            [("big.txt", b"spooled line\n" * 50000, "text/plain")]))
        r = client.post("/api/tickets", raw=body, content_type=ctype)
        self.assertError(r, 500, "internal")
        self.assertSecurityHeaders(r)
        self.assertEqual(psql_int("SELECT count(*) FROM attachments"),
                         before)
        # Small bodies stay in memory and keep working.
        with Load([HttpSender(token)]) as load:
            load.wait_acked(2)
        load.check(self)
        self.assertEqual(load.failures, {})
        os.unlink(os.path.join(temp, "filler"))
        body, ctype = multipart(ticket_parts(
            [("big.txt", b"spooled line\n" * 20000, "text/plain")]))
        r = client.post("/api/tickets", raw=body, content_type=ctype)
        self.assertEqual(r.status, 201, r)
        self.assertEqual(r.body["ticket"]["attachment_count"], 1)


class SlowClientsTest(ApiTestCase):
    """slowhttptest holds a few hundred connections open while a load
    of creates and reads runs beside it."""

    SECONDS = 7

    def attack(self, *mode):
        token = bearer_token()
        reader = Reader(token)
        proc = subprocess.Popen(
            ["slowhttptest", "-c", "300", "-r", "150", "-i", "2",
             "-l", str(self.SECONDS), "-p", "3"] + list(mode),
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.addCleanup(lambda: proc.poll() is None and proc.kill())
        time.sleep(2)       # the slow connections open
        reader.start()
        with Load([HttpSender(token) for _ in range(2)]) as load:
            time.sleep(self.SECONDS - 3)
        reader.stop()
        out, _ = proc.communicate(timeout=60)
        out = re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", out)
        load.check(self)
        self.assertEqual(load.failures, {})
        self.assertEqual(reader.bad, [])
        self.assertGreater(reader.ok, 10)
        # Nobody waited on the slow clients.
        self.assertLess(max(load.slowest, reader.slowest), 2.0)
        # slowhttptest reached the server and held its connections.
        self.assertRegex(out, r"connected:\s+[1-9]\d\d", out[-2000:])
        return out

    def test_slow_headers(self):
        url = require_env("TIX_TEST_BASE_URL")
        self.attack("-H", "-u", url + "/api/tickets")

    def test_slow_body(self):
        url = require_env("TIX_TEST_BASE_URL")
        self.attack("-B", "-s", "8192", "-u", url + "/api/tickets",
                    "-f", "application/json")

    def test_slow_read(self):
        url = require_env("TIX_TEST_BASE_URL")
        self.attack("-X", "-k", "10", "-n", "2", "-w", "16", "-y", "32",
                    "-z", "8", "-u", url + "/api/health")


if __name__ == "__main__":
    unittest.main()
