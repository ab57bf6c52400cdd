"""The worker processes themselves, spoken to over raw FastCGI: malformed
records and short bodies (security.md 2, 3), a child that dies (F15), a
child stuck in a request (F16), a stop that lets the request in
flight finish, descriptors exhausted, peers that connect and send
nothing, and TCP peers that are not the web server."""
import json
import os
import pwd
import resource
import signal
import socket
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


def uids(pid):
    """Real, effective, saved and file-system uid of pid."""
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("Uid:"):
                return [int(x) for x in line.split()[1:]]
    raise AssertionError("no Uid line for %d" % pid)


class PrivilegeTest(unittest.TestCase):
    def test_workers_run_as_an_unprivileged_user_of_their_own(self):
        """Started as root, the scripts run every worker process as the
        dedicated user (TIX_RUN_USER, default tix), not as root, and not
        as nginx's worker user."""
        if os.geteuid() != 0:
            self.skipTest("started as another user, the stack runs as it")
        user = pwd.getpwnam(os.environ.get("TIX_RUN_USER") or "tix")
        self.assertNotEqual(user.pw_uid, 0)
        self.assertNotEqual(user.pw_name, "nobody")
        for var in ("TIX_TEST_AUTH_PIDFILE", "TIX_TEST_TICKETS_PIDFILE",
                    "TIX_TEST_FILES_PIDFILE"):
            parent = parent_pid(var)
            kids = children(parent)
            self.assertTrue(kids)
            for pid in [parent] + kids:
                with self.subTest(var=var, pid=pid):
                    self.assertEqual(uids(pid), [user.pw_uid] * 4)


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

    def start_auth(self, *env, tcp_port=None):
        """A tix-auth of our own with one process; returns (proc, sock),
        sock a path, or the port on 127.0.0.1 when tcp_port is given."""
        tmp = tempfile.mkdtemp(prefix="tix-proc-")
        sock = os.path.join(tmp, "auth.sock")
        log = open(os.path.join(tmp, "auth.log"), "w")
        self.addCleanup(log.close)
        listen = ("unix:" + sock if tcp_port is None
                  else "127.0.0.1:%d" % tcp_port)
        proc = subprocess.Popen(["tix-auth", "--listen", listen,
                                 "--workers", "1"], stdout=log, stderr=log,
                                env=dict(os.environ, **dict(env)))
        if tcp_port is not None:
            self.addCleanup(proc.kill)
            deadline = time.time() + 20
            while time.time() < deadline:
                try:
                    socket.create_connection(("127.0.0.1", tcp_port),
                                             1).close()
                    self.wait_for_child(proc)
                    return proc, tcp_port
                except OSError:
                    time.sleep(0.05)
            self.fail("tix-auth does not listen on %d" % tcp_port)

        def stop():
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        self.addCleanup(stop)
        deadline = time.time() + 20
        while not os.path.exists(sock) and time.time() < deadline:
            time.sleep(0.05)
        self.assertTrue(os.path.exists(sock))
        self.wait_for_child(proc)
        return proc, sock

    def wait_for_child(self, proc):
        """The socket is there before the parent forks its child."""
        deadline = time.time() + 20
        while len(children(proc.pid)) != 1 and time.time() < deadline:
            time.sleep(0.05)
        self.assertEqual(len(children(proc.pid)), 1)

    def test_a_stop_after_an_empty_connection_is_prompt(self):
        """A peer that connected and sent no request (a readiness probe)
        leaves the worker waiting for the next connection: a stop must
        still reach it at once, not after the parent's 35 s grace."""
        proc, sock = self.start_auth()
        probe = socket.socket(socket.AF_UNIX)
        probe.connect(sock)
        probe.close()
        time.sleep(0.5)     # the worker reads nothing and waits again
        workers = children(proc.pid)
        self.assertEqual(len(workers), 1)
        start = time.monotonic()
        proc.terminate()
        proc.wait(timeout=60)
        self.assertLess(time.monotonic() - start, 5)
        self.assertFalse(alive(workers[0]))

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

    LOGIN = b'{"email":"a@example.com","password":"xxxxxxxx"}'

    def login_over(self, s):
        s.sendall(fcgiclient.begin() + fcgiclient.params_records({
            "REQUEST_METHOD": "POST", "DOCUMENT_URI": "/api/auth/login",
            "CONTENT_TYPE": "application/json",
            "CONTENT_LENGTH": str(len(self.LOGIN))}) +
            fcgiclient.stdin_records(self.LOGIN))
        r = fcgiclient.read_response(s)
        s.close()
        return r

    def free_port(self):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            return probe.getsockname()[1]

    def connect_to(self, where):
        if isinstance(where, int):
            s = socket.create_connection(("127.0.0.1", where), 30)
            s.settimeout(30)
            return s
        return fcgiclient.connect(where, timeout=30)

    def test_silent_peers_do_not_hold_the_worker_unix(self):
        self.silent_peers(None)

    def test_silent_peers_do_not_hold_the_worker_tcp(self):
        self.silent_peers(self.free_port())

    def silent_peers(self, port):
        proc, sock = self.start_auth(("TIX_READ_TIMEOUT_SECONDS", "1"),
                                     tcp_port=port)
        child = children(proc.pid)
        # One peer sends nothing, one stops inside its first record, one
        # before its body: each holds the only process for at most the
        # read timeout, and the process is not replaced for it.
        peers = [self.connect_to(sock) for _ in range(3)]
        peers[1].sendall(fcgiclient.begin()[:5])
        peers[2].sendall(fcgiclient.begin() + fcgiclient.params_records(
            {"REQUEST_METHOD": "POST", "DOCUMENT_URI": "/api/auth/login",
             "CONTENT_TYPE": "application/json", "CONTENT_LENGTH": "20"}))
        self.addCleanup(lambda: [p.close() for p in peers])
        start = time.monotonic()
        r = self.login_over(self.connect_to(sock))
        took = time.monotonic() - start
        self.assertIsNotNone(r)
        self.assertEqual(r[0], 401)
        # Three peers one after the other, each dropped after the 1 s
        # read timeout (and libfcgi's own 2 s check of TCP peers).
        self.assertLess(took, 12)
        for p in peers:
            # Dropped without an answer; the third, whose body never
            # comes, is answered 400.
            got = fcgiclient.read_response(p)
            self.assertTrue(got is None or got[0] == 400, got)
        self.assertEqual(children(proc.pid), child)

    def test_tcp_peers_outside_web_server_addrs_are_refused(self):
        proc, port = self.start_auth(("FCGI_WEB_SERVER_ADDRS", "127.0.0.2"),
                                     tcp_port=self.free_port())
        self.assertIsNone(self.login_over(self.connect_to(port)))
        proc2, port2 = self.start_auth(
            ("FCGI_WEB_SERVER_ADDRS", "127.0.0.2,127.0.0.1"),
            tcp_port=self.free_port())
        r = self.login_over(self.connect_to(port2))
        self.assertIsNotNone(r)
        self.assertEqual(r[0], 401)

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
