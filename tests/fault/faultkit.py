"""The fault tests' common parts: a load of ticket creates that counts
what was acknowledged and checks it against the rows afterwards, a
worker of the test's own, the cluster's processes, and a proxy between
a worker and PostgreSQL that cuts the link at COMMIT.

Every writer of a Load retries one create with the same Idempotency-Key
until it is acknowledged (2xx), as a careful client would; the check
afterwards is the promise of every fault test: each acknowledged create
is there exactly once, with the number it was acknowledged with, and no
create is there twice.
"""

import contextlib
import json
import os
import select
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "api"))

import fcgiclient  # noqa: E402
from tixclient import (ApiTestCase, Client, make_user, login,  # noqa: E402
                       psql_int, psql_rows, require_env,
                       ticket_body)

RECOVERY_SECONDS = 30


def run_shell(var):
    """Run the `sh -c` command in the environment variable var."""
    p = subprocess.run(["sh", "-c", require_env(var)], capture_output=True,
                       text=True, timeout=120)
    if p.returncode != 0:
        raise RuntimeError("%s failed (%d): %s %s" %
                           (var, p.returncode, p.stdout, p.stderr))


def admin_sql(sql):
    """sql as the cluster's superuser; stdout (unaligned, tuples only)."""
    return subprocess.run(
        ["psql", require_env("TIX_TEST_PG_ADMIN_URL"), "-X", "-q", "-At",
         "-v", "ON_ERROR_STOP=1", "-c", sql], capture_output=True,
        text=True, check=True, timeout=60).stdout.strip()


def children(pid):
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True,
                         text=True).stdout
    return sorted(int(x) for x in out.split())


def parent_pid(pidfile_var):
    with open(require_env(pidfile_var)) as f:
        return int(f.read().split()[0])


def conninfo():
    """TIX_DATABASE_URL (key=value form) as a dict."""
    out = {}
    for part in require_env("TIX_DATABASE_URL").split():
        k, _, v = part.partition("=")
        out[k] = v.strip("'")
    return out


def pg_socket_path():
    ci = conninfo()
    return os.path.join(ci["host"], ".s.PGSQL.%s" % ci["port"])


def postmaster_pid():
    with open(os.path.join(require_env("TIX_TEST_PG_DATA"),
                           "postmaster.pid")) as f:
        return int(f.readline())


def fill_up(path):
    """Write zeros to a new file at path until its file system is full."""
    with open(path, "wb") as f:
        try:
            while True:
                f.write(b"\0" * 65536)
                f.flush()
        except OSError:
            pass


def wait_healthy(seconds=RECOVERY_SECONDS):
    """Until GET /api/health through nginx is 200 (no restart of
    anything but what the test itself restarted)."""
    deadline = time.monotonic() + seconds
    last = None
    while time.monotonic() < deadline:
        try:
            last = Client().get("/api/health")
            if last.status == 200:
                return
        except OSError as e:
            last = e
        time.sleep(0.3)
    raise AssertionError("not healthy after %ds: %r" % (seconds, last))


# ------------------------------------------------------------------ load


class HttpSender:
    """Creates through nginx with a bearer token."""

    def __init__(self, token):
        self.client = Client(token=token)
        self.client.timeout = 40

    def create(self, body, key):
        r = self.client.post("/api/tickets", body,
                             headers={"Idempotency-Key": key})
        number = None
        if r.status == 201 and isinstance(r.body, dict):
            number = r.body["ticket"]["number"]
        code = None
        if isinstance(r.body, dict) and "error" in r.body:
            code = r.body["error"].get("code")
        return r.status, code, number


class FcgiSender:
    """Creates straight to a worker's FastCGI socket."""

    def __init__(self, sock, token):
        self.sock = sock
        self.token = token

    def create(self, body, key):
        r = fcgiclient.request(
            self.sock, "POST", "/api/tickets",
            body=json.dumps(body).encode(), content_type="application/json",
            extra_params={"HTTP_AUTHORIZATION": "Bearer " + self.token,
                          "HTTP_IDEMPOTENCY_KEY": key},
            timeout=40)
        if r is None:
            return None, None, None
        status, _, raw = r
        try:
            doc = json.loads(raw)
        except ValueError:
            doc = None
        number = code = None
        if status == 201 and isinstance(doc, dict):
            number = doc["ticket"]["number"]
        if isinstance(doc, dict) and "error" in doc:
            code = doc["error"].get("code")
        return status, code, number


class Load:
    """writers threads, each creating tickets one after another through
    sender(i) until stop(); each create is retried with its key until it
    is acknowledged (or retry_seconds pass after stop())."""

    def __init__(self, senders, tag=None, retry_seconds=RECOVERY_SECONDS,
                 pause=0.0):
        self.senders = senders
        self.tag = tag or "fault-" + uuid.uuid4().hex[:10]
        self.retry_seconds = retry_seconds
        self.pause = pause
        self.lock = threading.Lock()
        self.acked = {}         # subject -> number
        self.replays = 0        # acknowledgements after a failed try
        self.started = set()    # subjects sent at least once
        self.unknown = set()    # sent, never acknowledged
        self.failures = {}      # (status, code) -> count
        self.slowest = 0.0      # seconds of the slowest try
        self.stopping = threading.Event()
        self.threads = [threading.Thread(target=self._run, args=(i,),
                                         daemon=True)
                        for i in range(len(senders))]

    def __enter__(self):
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def stop(self):
        self.stopping.set()
        for t in self.threads:
            t.join(self.retry_seconds + 60)

    def acked_count(self):
        with self.lock:
            return len(self.acked)

    def wait_acked(self, n, seconds=RECOVERY_SECONDS):
        """Until n creates more than now are acknowledged."""
        goal = self.acked_count() + n
        deadline = time.monotonic() + seconds
        while self.acked_count() < goal:
            if time.monotonic() > deadline:
                raise AssertionError(
                    "%d of %d creates acknowledged in %ds; failures %r" %
                    (self.acked_count(), goal, seconds, self.failures))
            time.sleep(0.05)

    def _run(self, i):
        sender = self.senders[i]
        n = 0
        while not self.stopping.is_set():
            n += 1
            subject = "%s w%d n%d" % (self.tag, i, n)
            key = "%s-%d-%d" % (self.tag, i, n)
            body = ticket_body(subject=subject)
            with self.lock:
                self.started.add(subject)
            tries = 0
            deadline = None
            while True:
                tries += 1
                start = time.monotonic()
                try:
                    status, code, number = sender.create(body, key)
                except OSError as e:
                    status, code, number = type(e).__name__, None, None
                with self.lock:
                    self.slowest = max(self.slowest,
                                       time.monotonic() - start)
                if status == 201:
                    with self.lock:
                        self.acked[subject] = number
                        if tries > 1:
                            self.replays += 1
                    break
                with self.lock:
                    self.failures[(status, code)] = \
                        self.failures.get((status, code), 0) + 1
                if self.stopping.is_set():
                    if deadline is None:
                        deadline = time.monotonic() + self.retry_seconds
                    elif time.monotonic() > deadline:
                        with self.lock:
                            self.unknown.add(subject)
                        break
                time.sleep(0.1)
            if self.pause:
                time.sleep(self.pause)

    def rows(self):
        """(subject, number) of every ticket of this load."""
        out = psql_rows("SELECT subject, 'TICK-' || number FROM tickets"
                        " WHERE subject LIKE :'p1' || ' %'", self.tag)
        return [tuple(r) for r in out]

    def check(self, case):
        """The promise: every acknowledged create there exactly once with
        its number, nothing twice, nothing that was never sent."""
        rows = self.rows()
        subjects = [s for s, _ in rows]
        dup = sorted({s for s in subjects if subjects.count(s) > 1})
        case.assertEqual(dup, [], "created twice")
        found = dict(rows)
        lost = sorted(s for s in self.acked if s not in found)
        case.assertEqual(lost, [], "acknowledged, then lost")
        wrong = sorted(s for s, n in self.acked.items() if found[s] != n)
        case.assertEqual(wrong, [], "acknowledged with another number")
        stray = sorted(set(found) - self.started)
        case.assertEqual(stray, [], "rows nobody sent")
        case.assertEqual(self.unknown, set(),
                         "creates never acknowledged after the fault")
        sys.stderr.write("\n  %s: %d acknowledged, %d rows, %d after a "
                         "retry; failed tries %r; slowest try %.2f s\n" %
                         (case.id().rsplit(".", 1)[-1], len(self.acked),
                          len(rows), self.replays, self.failures,
                          self.slowest))
        return len(self.acked)


def bearer_token(role="customer"):
    user = make_user(role)
    return login(user).new_token()[1]


# --------------------------------------------------------- own workers


class OwnWorker:
    """A tix-tickets (or other) of the test's own on a socket of its own,
    with extra environment; stopped (SIGKILL of its group) at close()."""

    def __init__(self, name="tix-tickets", env=None, workers=1,
                 wait_children=True, preexec=None):
        self.dir = tempfile.mkdtemp(prefix="tix-fault-")
        self.sock = os.path.join(self.dir, "w.sock")
        self.log_path = os.path.join(self.dir, "w.log")
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen(
            [name, "--listen", "unix:" + self.sock, "--workers",
             str(workers)], stdout=self.log, stderr=self.log,
            env=dict(os.environ, **(env or {})), start_new_session=True,
            preexec_fn=preexec)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if os.path.exists(self.sock) and (
                    not wait_children or
                    len(children(self.proc.pid)) == workers):
                return
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        self.close()
        raise AssertionError("%s did not start: %s" % (name, self.text()))

    def text(self):
        self.log.flush()
        with open(self.log_path) as f:
            return f.read()

    def health(self):
        r = fcgiclient.request(self.sock, "GET", "/api/health", timeout=20)
        return None if r is None else r[0]

    def close(self):
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.proc.wait()
        self.log.close()


# ---------------------------------------------------------- the proxy


COMMIT_QUERY = b"Q\x00\x00\x00\x0bCOMMIT\x00"


class CommitCutter:
    """A proxy on a unix socket of its own in front of PostgreSQL's.  A
    worker whose TIX_DATABASE_URL names conninfo() connects through it.
    Every cut_every-th COMMIT the link is cut: alternately after the
    COMMIT reached the server (it commits; the worker never hears) and
    before (nothing commits)."""

    def __init__(self, cut_every=4):
        self.dir = tempfile.mkdtemp(prefix="tix-pgproxy-")
        self.port = conninfo()["port"]
        self.path = os.path.join(self.dir, ".s.PGSQL.%s" % self.port)
        self.target = pg_socket_path()
        self.cut_every = cut_every
        self.commits = 0
        self.cut_after = 0
        self.cut_before = 0
        self.armed = None
        self.lock = threading.Lock()
        self.listener = socket.socket(socket.AF_UNIX)
        self.listener.bind(self.path)
        os.chmod(self.path, 0o666)
        self.listener.listen(64)
        self.closing = False
        threading.Thread(target=self._accept, daemon=True).start()

    def arm(self, mode):
        """Cut at the next COMMIT ("after" or "before")."""
        with self.lock:
            self.armed = mode

    def conninfo(self):
        ci = conninfo()
        return "host=%s port=%s dbname=%s user=%s" % (
            self.dir, self.port, ci["dbname"], ci["user"])

    def close(self):
        self.closing = True
        self.listener.close()

    def _accept(self):
        while not self.closing:
            try:
                c, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._pipe, args=(c,),
                             daemon=True).start()

    def _decide(self):
        """None, "after" or "before" for the COMMIT just seen."""
        with self.lock:
            self.commits += 1
            if self.armed:
                cut, self.armed = self.armed, None
                if cut == "after":
                    self.cut_after += 1
                else:
                    self.cut_before += 1
                return cut
            if not self.cut_every or self.commits % self.cut_every:
                return None
            if (self.commits // self.cut_every) % 2:
                self.cut_after += 1
                return "after"
            self.cut_before += 1
            return "before"

    def _pipe(self, c):
        s = socket.socket(socket.AF_UNIX)
        try:
            s.connect(self.target)
        except OSError:
            c.close()
            return
        try:
            while True:
                ready, _, _ = select.select([c, s], [], [], 120)
                if not ready:
                    return
                if s in ready:
                    data = s.recv(65536)
                    if not data:
                        return
                    c.sendall(data)
                if c in ready:
                    data = c.recv(65536)
                    if not data:
                        return
                    cut = (self._decide() if COMMIT_QUERY in data
                           else None)
                    if cut == "before":
                        return
                    s.sendall(data)
                    if cut == "after":
                        # Let the server commit, then drop the link
                        # before its answer reaches the worker.
                        time.sleep(0.3)
                        return
        except OSError:
            return
        finally:
            for x in (c, s):
                with contextlib.suppress(OSError):
                    x.shutdown(socket.SHUT_RDWR)
                x.close()


# ------------------------------------------------- connection fillers


def startup_message(user, database):
    """A protocol 3.0 startup packet."""
    body = (b"\x00\x03\x00\x00" + b"user\x00" + user.encode() + b"\x00" +
            b"database\x00" + database.encode() + b"\x00\x00")
    return (len(body) + 4).to_bytes(4, "big") + body


class ConnectionFiller:
    """Holds every connection slot the server gives role tix: opens
    backends (a bare startup message on the unix socket, trusted) until
    the server refuses with 53300."""

    def __init__(self, limit=400):
        ci = conninfo()
        self.socks = []
        self.refusal = None
        for _ in range(limit):
            s = socket.socket(socket.AF_UNIX)
            s.settimeout(10)
            s.connect(pg_socket_path())
            s.sendall(startup_message(ci["user"], ci["dbname"]))
            kind = self._answer(s)
            if kind == b"E":
                self.refusal = self.last
                s.close()
                return
            self.socks.append(s)
        raise AssertionError("the server took %d connections" % limit)

    def _answer(self, s):
        """Read the server's messages up to ReadyForQuery ("Z") or an
        ErrorResponse ("E"); return that type."""
        data = b""
        while True:
            while len(data) >= 5:
                kind = data[:1]
                size = int.from_bytes(data[1:5], "big")
                if len(data) < 1 + size:
                    break
                self.last, data = data[:1 + size], data[1 + size:]
                if kind in (b"E", b"Z"):
                    return kind
            chunk = s.recv(4096)
            if not chunk:
                raise AssertionError("the server closed a connection "
                                     "unanswered")
            data += chunk

    def close(self):
        for s in self.socks:
            s.close()
        self.socks = []
