"""A rolling restart under load: SIGUSR2 to a worker's parent starts the
binary again with the listening socket handed down; the new parent takes
over and stops the old one, whose processes finish the requests they hold.
Clients see no failed request meanwhile: not a list, not a ticket created
with an Idempotency-Key, not a GET /api/me (docs/upgrade.md)."""
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time

import fcgiclient
from tixclient import (ApiTestCase, bearer_client, login, make_user,
                       require_env, ticket_body, unique)

# The workers the load reaches: tix-tickets (lists, new tickets) and
# tix-auth (GET /api/me).
WORKERS = [("tix-tickets", "TIX_TEST_TICKETS_PIDFILE"),
           ("tix-auth", "TIX_TEST_AUTH_PIDFILE")]


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def read_pid(path):
    with open(path) as f:
        return int(f.read().strip())


def alive(pid):
    """Running (a zombie waiting for its parent to reap it has ended)."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def wait_for(what, pred, timeout):
    deadline = time.monotonic() + timeout
    while not pred():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for " + what)
        time.sleep(0.05)


class RollingRestartTest(ApiTestCase):
    def setUp(self):
        self.user = make_user("customer")
        self.token = login(self.user).new_token()[1]
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.failures = []
        self.done = {"list": 0, "create": 0, "me": 0}

    def load(self, n):
        c = bearer_client(self.token)
        while not self.stop.is_set():
            for kind in ("list", "create", "me"):
                try:
                    if kind == "list":
                        r = c.get("/api/tickets", query={"per_page": "5"})
                        ok = r.status == 200
                    elif kind == "create":
                        r = c.post("/api/tickets", ticket_body(),
                                   headers={"Idempotency-Key":
                                            unique("roll%d" % n)})
                        ok = r.status == 201
                    else:
                        r = c.get("/api/me")
                        ok = r.status == 200
                    what = r.status
                except Exception as e:  # a failure to count, not to die of
                    ok, what = False, repr(e)
                with self.lock:
                    if ok:
                        self.done[kind] += 1
                    else:
                        self.failures.append((kind, what))

    def test_upgrade_under_load_fails_no_request(self):
        log_dir = require_env("TIX_TEST_LOG_DIR")
        threads = [threading.Thread(target=self.load, args=(n,))
                   for n in range(4)]
        for t in threads:
            t.start()
        try:
            time.sleep(1)
            for name, env in WORKERS:
                pidfile = require_env(env)
                old = read_pid(pidfile)
                with self.lock:
                    before = sum(self.done.values())
                started = time.monotonic()
                os.kill(old, signal.SIGUSR2)
                # The successor writes its pid file once it serves, then
                # stops the old parent, which ends when its processes
                # have finished the requests they held.
                wait_for(name + "'s successor",
                         lambda: read_pid(pidfile) != old, 30)
                new = read_pid(pidfile)
                wait_for(name + " " + str(old) + " to end",
                         lambda: not alive(old), 40)
                self.assertTrue(alive(new))
                took = time.monotonic() - started
                time.sleep(0.5)
                with self.lock:
                    during = sum(self.done.values()) - before
                self.assertGreater(during, 10, (name, took))
                with open(os.path.join(log_dir, name + ".log")) as f:
                    log = f.read()
                self.assertIn("(socket handed down)", log)
                self.assertIn("upgrade: took over the socket; stopping %d"
                              % old, log)
        finally:
            self.stop.set()
            for t in threads:
                t.join()
        self.assertEqual(self.failures, [])
        for kind, n in self.done.items():
            self.assertGreater(n, 10, kind)


class FailedUpgradeTest(ApiTestCase):
    """A new binary that cannot start leaves the old one serving; put
    right, the next SIGUSR2 takes over."""

    def login_status(self, sock):
        body = b'{"email":"nobody@example.com","password":"xxxxxxxx"}'
        return fcgiclient.request(sock, "POST", "/api/auth/login", body=body,
                                  content_type="application/json")[0]

    def test_a_broken_new_binary_changes_nothing(self):
        tmp = tempfile.mkdtemp(prefix="tix-upgrade.")
        self.addCleanup(shutil.rmtree, tmp)
        binary, sock = os.path.join(tmp, "tix-auth"), os.path.join(tmp, "s")
        pidfile, logname = os.path.join(tmp, "pid"), os.path.join(tmp, "log")
        shutil.copy(shutil.which("tix-auth"), binary)
        with open(logname, "w") as log:
            proc = subprocess.Popen([binary, "--listen", "unix:" + sock,
                                     "--workers", "1", "--pid-file",
                                     pidfile], stdout=log, stderr=log)

        def stop():
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            if os.path.exists(pidfile) and alive(read_pid(pidfile)):
                os.kill(read_pid(pidfile), signal.SIGKILL)
        self.addCleanup(stop)
        wait_for("the pid file", lambda: os.path.exists(pidfile), 20)
        self.assertEqual(read_pid(pidfile), proc.pid)
        self.assertEqual(self.login_status(sock), 401)

        def install(text=None):
            new = binary + ".new"
            if text is None:
                shutil.copy(shutil.which("tix-auth"), new)
            else:
                with open(new, "w") as f:
                    f.write(text)
                os.chmod(new, 0o755)
            os.rename(new, binary)

        def log():
            with open(logname) as f:
                return f.read()

        install("#!/bin/sh\necho 'tix-auth: broken build' >&2\nexit 2\n")
        os.kill(proc.pid, signal.SIGUSR2)
        wait_for("the failure to be seen",
                 lambda: "before it took over; serving on" in log(), 20)
        self.assertIn("tix-auth: broken build", log())
        self.assertIn("ended (status 512)", log())
        self.assertEqual(read_pid(pidfile), proc.pid)
        self.assertEqual(self.login_status(sock), 401)

        install()
        os.kill(proc.pid, signal.SIGUSR2)
        wait_for("a successor", lambda: read_pid(pidfile) != proc.pid, 30)
        proc.wait(timeout=40)
        self.assertEqual(self.login_status(sock), 401)
        self.assertIn("(socket handed down)", log())
        new = read_pid(pidfile)
        os.kill(new, signal.SIGTERM)
        wait_for("the successor to stop", lambda: not alive(new), 40)
        # It removed its socket and pid file; nothing is left running.
        self.assertFalse(os.path.exists(pidfile))
        self.assertFalse(os.path.exists(sock))


class TcpUpgradeTest(ApiTestCase):
    """The same over TCP (--listen HOST:PORT, as in docker-compose and
    behind a remote nginx): a new binary that cannot start leaves the old
    one serving, and a good one takes over, with FastCGI clients sending
    requests all along and not one failing."""

    def me_status(self, addr):
        r = fcgiclient.request(addr, "GET", "/api/auth/me", timeout=20)
        return r[0] if r else None

    def test_failed_then_good_upgrade_over_tcp(self):
        tmp = tempfile.mkdtemp(prefix="tix-upgrade-tcp.")
        self.addCleanup(shutil.rmtree, tmp)
        binary = os.path.join(tmp, "tix-auth")
        pidfile, logname = os.path.join(tmp, "pid"), os.path.join(tmp, "log")
        shutil.copy(shutil.which("tix-auth"), binary)
        port = free_port()
        addr = ("127.0.0.1", port)
        with open(logname, "w") as log:
            proc = subprocess.Popen(
                [binary, "--listen", "127.0.0.1:%d" % port, "--workers",
                 "2", "--pid-file", pidfile], stdout=log, stderr=log)

        def stop():
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            if os.path.exists(pidfile) and alive(read_pid(pidfile)):
                os.kill(read_pid(pidfile), signal.SIGKILL)
        self.addCleanup(stop)
        wait_for("the pid file", lambda: os.path.exists(pidfile), 20)
        self.assertEqual(self.me_status(addr), 401)

        def log():
            with open(logname) as f:
                return f.read()

        def install(text=None):
            new = binary + ".new"
            if text is None:
                shutil.copy(shutil.which("tix-auth"), new)
            else:
                with open(new, "w") as f:
                    f.write(text)
                os.chmod(new, 0o755)
            os.rename(new, binary)

        halt, lock = threading.Event(), threading.Lock()
        done, failures = [0], []

        def load():
            while not halt.is_set():
                try:
                    st = self.me_status(addr)
                except OSError as e:
                    st = repr(e)
                with lock:
                    if st == 401:
                        done[0] += 1
                    else:
                        failures.append(st)

        threads = [threading.Thread(target=load) for _ in range(3)]
        for t in threads:
            t.start()
        try:
            def served_more(n):
                with lock:
                    start = done[0]
                wait_for("%d more requests" % n,
                         lambda: done[0] >= start + n, 30)

            served_more(20)
            install("#!/bin/sh\necho 'tix-auth: broken build' >&2\nexit 2\n")
            os.kill(proc.pid, signal.SIGUSR2)
            wait_for("the failure to be seen",
                     lambda: "before it took over; serving on" in log(), 20)
            self.assertIn("tix-auth: broken build", log())
            self.assertEqual(read_pid(pidfile), proc.pid)
            self.assertIsNone(proc.poll())
            served_more(20)

            install()
            os.kill(proc.pid, signal.SIGUSR2)
            wait_for("a successor", lambda: read_pid(pidfile) != proc.pid,
                     30)
            proc.wait(timeout=40)
            new = read_pid(pidfile)
            self.assertTrue(alive(new))
            self.assertIn("(socket handed down)", log())
            self.assertIn("upgrade: took over the socket; stopping %d"
                          % proc.pid, log())
            served_more(20)
        finally:
            halt.set()
            for t in threads:
                t.join()
        self.assertEqual(failures, [])
        self.assertGreater(done[0], 60)
        new = read_pid(pidfile)
        os.kill(new, signal.SIGTERM)
        wait_for("the successor to stop", lambda: not alive(new), 40)


if __name__ == "__main__":
    import unittest
    unittest.main()
