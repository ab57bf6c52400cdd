"""The worker processes themselves, spoken to over raw FastCGI: malformed
records and short bodies (security.md 2, 3), a child that dies (F15), a
child stuck in a request (F16), a stop that lets the request in
flight finish, descriptors exhausted, and peers that connect and send
nothing."""
import json
import os
import resource
import signal
import subprocess
import tempfile
import time
import unittest

import fcgiclient
from tixclient import require_env


def children(pid):
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True,
                         text=True).stdout
    return sorted(int(x) for x in out.split())


def alive(pid):
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False


def parent_pid(pidfile_var):
    with open(require_env(pidfile_var)) as f:
        return int(f.read().split()[0])


class RawFastCgiTest(unittest.TestCase):
    def setUp(self):
        self.tickets = require_env("TIX_TEST_TICKETS_SOCKET")
        self.auth = require_env("TIX_TEST_AUTH_SOCKET")

    def assertHealthy(self):
        r = fcgiclient.request(self.tickets, "GET", "/api/health")
        self.assertIsNotNone(r)
        self.assertEqual(r[0], 200, r)
        self.assertEqual(json.loads(r[2]), {"status": "ok",
                                            "database": "ok"})

    def test_health_straight_to_the_worker(self):
        self.assertHealthy()

    def test_body_shorter_than_declared_is_400(self):
        body = b'{"email":"a@example.com","password":"x"}'
        s = fcgiclient.connect(self.auth)
        try:
            s.sendall(fcgiclient.begin() + fcgiclient.params_records({
                "REQUEST_METHOD": "POST", "DOCUMENT_URI": "/api/auth/login",
                "CONTENT_TYPE": "application/json",
                "CONTENT_LENGTH": str(len(body) + 100)}) +
                fcgiclient.stdin_records(body))
            r = fcgiclient.read_response(s)
        finally:
            s.close()
        self.assertIsNotNone(r)
        self.assertEqual(r[0], 400)
        self.assertEqual(json.loads(r[2])["error"]["code"], "bad_request")
        self.assertHealthy()

    def test_hostile_parameter_length(self):
        # A PARAMS record that declares a 2 GiB name and carries 8 bytes.
        pid = parent_pid("TIX_TEST_TICKETS_PIDFILE")
        hostile = b"\xff\xff\xff\xff\x80\x00\x00\x01" + b"A" * 8
        s = fcgiclient.connect(self.tickets)
        try:
            s.sendall(fcgiclient.begin() +
                      fcgiclient.record(fcgiclient.PARAMS, hostile) +
                      fcgiclient.record(fcgiclient.PARAMS, b""))
            r = fcgiclient.read_response(s)
        finally:
            s.close()
        # Either no answer at all or an error; never a success.
        self.assertTrue(r is None or r[0] >= 400, r)
        self.assertTrue(alive(pid))
        for _ in range(3):
            self.assertHealthy()

    def test_peer_that_hangs_up_early(self):
        for payload in (fcgiclient.begin(),
                        fcgiclient.begin() + fcgiclient.params_records({
                            "REQUEST_METHOD": "GET",
                            "DOCUMENT_URI": "/api/health"})[:20],
                        b"\x01\x01\x00"):
            s = fcgiclient.connect(self.tickets)
            s.sendall(payload)
            s.close()
        for _ in range(3):
            self.assertHealthy()


class SupervisionTest(unittest.TestCase):
    def test_a_killed_child_is_replaced(self):
        parent = parent_pid("TIX_TEST_TICKETS_PIDFILE")
        before = children(parent)
        self.assertGreaterEqual(len(before), 1)
        victim = before[0]
        os.kill(victim, signal.SIGKILL)
        sock = require_env("TIX_TEST_TICKETS_SOCKET")
        deadline = time.time() + 10
        while time.time() < deadline:
            now = children(parent)
            if len(now) == len(before) and victim not in now:
                break
            time.sleep(0.1)
        self.assertEqual(len(now), len(before), now)
        self.assertNotIn(victim, now)
        for _ in range(4):
            r = fcgiclient.request(sock, "GET", "/api/health")
            self.assertEqual(r[0], 200)

    def start_auth(self, *env):
        """A tix-auth of our own with one process; returns (proc, sock)."""
        tmp = tempfile.mkdtemp(prefix="tix-proc-")
        sock = os.path.join(tmp, "auth.sock")
        log = open(os.path.join(tmp, "auth.log"), "w")
        self.addCleanup(log.close)
        proc = subprocess.Popen(["tix-auth", "--listen", "unix:" + sock,
                                 "--workers", "1"], stdout=log, stderr=log,
                                env=dict(os.environ, **dict(env)))

        def stop():
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        self.addCleanup(stop)
        deadline = time.time() + 20
        while not os.path.exists(sock) and time.time() < deadline:
            time.sleep(0.05)
        self.assertTrue(os.path.exists(sock))
        return proc, sock

    def test_a_stuck_request_ends_its_process(self):
        proc, sock = self.start_auth(("TIX_REQUEST_TIMEOUT_SECONDS", "1"))
        child = children(proc.pid)
        self.assertEqual(len(child), 1)
        body = b'{"email":"a@example.com","password":"xxxxxxxx"}'
        s = fcgiclient.connect(sock, timeout=30)
        # Half a body, then nothing: the process waits on its read.
        s.sendall(fcgiclient.begin() + fcgiclient.params_records({
            "REQUEST_METHOD": "POST", "DOCUMENT_URI": "/api/auth/login",
            "CONTENT_TYPE": "application/json",
            "CONTENT_LENGTH": str(len(body))}) +
            fcgiclient.record(fcgiclient.STDIN, body[:10]))
        start = time.monotonic()
        r = fcgiclient.read_response(s)   # returns when the socket closes
        s.close()
        self.assertIsNone(r)
        self.assertLess(time.monotonic() - start, 10)
        deadline = time.time() + 10
        while time.time() < deadline:
            now = children(proc.pid)
            if len(now) == 1 and now != child:
                break
            time.sleep(0.1)
        self.assertNotEqual(now, child)
        self.assertIsNone(proc.poll())
        r = fcgiclient.request(sock, "POST", "/api/auth/login", body=body,
                               content_type="application/json")
        self.assertEqual(r[0], 401)

    def cpu_ticks(self, pid):
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])    # utime + stime

    def test_descriptors_exhausted_backs_off_and_recovers(self):
        proc, sock = self.start_auth()
        [child] = children(proc.pid)
        log = os.path.join(os.path.dirname(sock), "auth.log")
        # No descriptor left for the child (a limit below those it has
        # open): accept() fails with EMFILE while a connection waits.
        soft, hard = resource.prlimit(child, resource.RLIMIT_NOFILE)
        resource.prlimit(child, resource.RLIMIT_NOFILE, (1, hard))
        body = b'{"email":"a@example.com","password":"xxxxxxxx"}'
        # The accept() already waiting had its descriptor reserved: that
        # request is taken, and finds no descriptor for the database.
        r = fcgiclient.request(sock, "POST", "/api/auth/login", body=body,
                               content_type="application/json")
        self.assertEqual(r[0], 503)
        s = fcgiclient.connect(sock, timeout=20)
        s.sendall(fcgiclient.begin() + fcgiclient.params_records({
            "REQUEST_METHOD": "POST", "DOCUMENT_URI": "/api/auth/login",
            "CONTENT_TYPE": "application/json",
            "CONTENT_LENGTH": str(len(body))}) +
            fcgiclient.stdin_records(body))
        time.sleep(0.5)
        start = self.cpu_ticks(child)
        time.sleep(3)
        used = self.cpu_ticks(child) - start
        ticks = os.sysconf("SC_CLK_TCK")
        # A spinning child burns about 3 s in 3 s; one that backs off
        # (up to 1 s between tries) next to nothing.
        self.assertLess(used, ticks * 0.3, "spins under EMFILE")
        self.assertEqual(children(proc.pid), [child])
        # Descriptors free again: the waiting request is served.
        resource.prlimit(child, resource.RLIMIT_NOFILE, (soft, hard))
        r = fcgiclient.read_response(s)
        s.close()
        self.assertIsNotNone(r)
        self.assertEqual(r[0], 401)
        with open(log) as f:
            text = f.read()
        self.assertEqual(text.count("backing off"), 1, text)
        self.assertIn("accept works again", text)

    def test_stop_lets_the_request_in_flight_finish(self):
        proc, sock = self.start_auth()
        body = json.dumps({"email": "nobody@example.com",
                           "password": "wrong-password"}).encode()
        s = fcgiclient.connect(sock, timeout=30)
        s.sendall(fcgiclient.begin() + fcgiclient.params_records({
            "REQUEST_METHOD": "POST", "DOCUMENT_URI": "/api/auth/login",
            "CONTENT_TYPE": "application/json",
            "CONTENT_LENGTH": str(len(body))}) +
            fcgiclient.record(fcgiclient.STDIN, body[:5]))
        time.sleep(0.5)          # the worker now waits for the rest
        proc.send_signal(signal.SIGTERM)
        time.sleep(0.5)
        self.assertIsNone(proc.poll(), "stopped with a request open")
        s.sendall(fcgiclient.stdin_records(body[5:]))
        r = fcgiclient.read_response(s)
        s.close()
        self.assertIsNotNone(r, "the request in flight was cut off")
        self.assertEqual(r[0], 401)
        self.assertEqual(json.loads(r[2])["error"]["code"],
                         "invalid_credentials")
        self.assertEqual(proc.wait(timeout=15), 0)
        self.assertFalse(os.path.exists(sock))


if __name__ == "__main__":
    unittest.main()
