#!/usr/bin/env python3
"""bench/soak.py: mixed traffic against a running stack for a long time,
then the checks that say whether the stack stayed healthy.

bench/soak starts a Release stack and runs this for 30 minutes;
tests/fault/test_soak.py runs it for 60 seconds against the stack of
scripts/test.  Standard library only.

What it does:
  1. Makes its users (tix-admin user add), logs each in once and takes
     several API tokens per user (nginx limits single-ticket requests
     per credential), then a working set: tickets with one file each.
  2. Starts tix-scheduler and tix-notify (the outbox into .eml files in
     STATE/mail) and feeds tix-mailin --stdin a mail now and then: a new
     ticket from a known customer, or that customer's reply by subject.
  3. Measures the peak: the mix below with no rate limit, --peak-seconds.
  4. Drives the same mix at --fraction of that peak for --duration
     seconds: each request has a time slot, and a thread that is late
     sends at once.  Latency is taken both from the slot (a stall shows
     as a growing queue) and from the sending.
  5. Every --sample seconds: the RSS and PSS of every worker process, the
     PostgreSQL connections of the database tix, p99 and errors of the
     window since the last sample.
  6. Checks, and exits 1 when one fails:
       - every answer had the expected status (no 5xx, no 429, no
         socket error, no wrong byte in a download);
       - every acknowledged write (2xx create, reply, upload; mail that
         tix-mailin took with exit 0) is in the database exactly once,
         with the id it was answered with; a retried create with the same
         Idempotency-Key answered the same ticket;
       - no worker process was replaced (a crash) and each one's RSS in
         the last --window seconds is within --rss-bound-kib of its RSS
         in the first --window seconds (the maximum of each window);
       - the workers' PostgreSQL connections in the last window are no
         more than in the first;
       - p99 of the last window (from each request's sending) is within
         --p99-factor of the first (0: reported only).

The mix (weights): a customer's list 15, an agent's list 10, a ticket's
detail 30, search 10, create 8, reply 12, upload 5, download 10.
"""

import argparse
import hashlib
import http.client
import json
import math
import os
import random
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid

MIX = [("list_customer", 15), ("list_agent", 10), ("read", 30),
       ("search", 10), ("create", 8), ("reply", 12), ("upload", 5),
       ("download", 10)]
# Words of the tickets the run creates; each search looks for one, so a
# search finds a bounded share of them however long the run.
VOCAB = ["soakword%04d" % i for i in range(3000)]
SUPPORT = "support@tix.test"


def log(msg):
    print("soak: %s" % msg, file=sys.stderr, flush=True)


def percentile(values, p):
    if not values:
        return 0.0
    s = sorted(values)
    return s[min(len(s) - 1, max(0, math.ceil(p / 100.0 * len(s)) - 1))]


class Db:
    """psql as the cluster's superuser; application_name soak-sampler, so
    that the connection counts leave it out."""

    def __init__(self, url):
        self.url = url
        self.env = dict(os.environ, PGAPPNAME="soak-sampler")

    def rows(self, sql, **params):
        argv = ["psql", "-X", "-q", "-At", "-F", "\t", "-v",
                "ON_ERROR_STOP=1", "-d", self.url]
        for k, v in params.items():
            argv += ["-v", "%s=%s" % (k, v)]
        p = subprocess.run(argv, input=sql, capture_output=True, text=True,
                           env=self.env, timeout=120)
        if p.returncode != 0:
            raise RuntimeError("psql: %s" % p.stderr.strip())
        return [line.split("\t") for line in p.stdout.splitlines() if line]


class Http:
    """One kept-alive connection to nginx, reopened after any error."""

    def __init__(self, base):
        u = urllib.parse.urlsplit(base)
        self.host, self.port = u.hostname, u.port or 80
        self.conn = None

    def request(self, method, path, body=None, headers=None):
        h = {"Accept": "application/json"}
        h.update(headers or {})
        for attempt in (0, 1):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port,
                                                       timeout=60)
            try:
                self.conn.request(method, path, body=body, headers=h)
                r = self.conn.getresponse()
                data = r.read()
                if r.getheader("Connection", "").lower() == "close":
                    self.conn.close()
                    self.conn = None
                return r.status, dict(r.getheaders()), data
            except (http.client.RemoteDisconnected, BrokenPipeError,
                    ConnectionResetError) as e:
                # A kept-alive connection nginx closed meanwhile: a
                # request not yet sent may go again; otherwise it counts.
                self.conn.close()
                self.conn = None
                if attempt or method != "GET":
                    raise e
        raise RuntimeError("unreachable")


def multipart(fields, files):
    boundary = "soak" + uuid.uuid4().hex
    out = []
    for k, v in fields.items():
        out.append(("--%s\r\nContent-Disposition: form-data; name=\"%s\""
                    "\r\n\r\n%s\r\n" % (boundary, k, v)).encode())
    for name, content, ctype in files:
        out.append(("--%s\r\nContent-Disposition: form-data; "
                    "name=\"attachments\"; filename=\"%s\"\r\n"
                    "Content-Type: %s\r\n\r\n" % (boundary, name, ctype))
                   .encode() + content + b"\r\n")
    out.append(("--%s--\r\n" % boundary).encode())
    return b"".join(out), "multipart/form-data; boundary=" + boundary


def file_content(name):
    """The bytes of the soak's file NAME, made from its name again at the
    download (a few KiB of text)."""
    seed = hashlib.sha256(name.encode()).hexdigest()
    line = ("log line %s: export step finished\n" % seed).encode()
    return line * (20 + int(seed[:2], 16))


class Soak:

    def __init__(self, a):
        self.a = a
        self.run = uuid.uuid4().hex[:10]
        self.db = Db(a.pg_admin_url)
        self.lock = threading.Lock()
        self.rng = random.Random()
        # Results of the current window, and in total.
        self.win_lat, self.win_svc, self.win_n, self.win_bad = [], [], 0, 0
        self.kind_lat = {}        # kind -> [seconds from sending]
        self.sent = threading.local()
        self.phase = "setup"
        self.counts = {}          # (kind, status) -> n
        self.bad = []             # the first unexpected answers
        self.bad_n = 0
        self.seq = 0
        # Acknowledged writes.
        self.acked_creates = {}   # marker -> (number, key, token index)
        self.acked_replies = {}   # marker -> (entry id, number)
        self.acked_uploads = {}   # filename -> (attachment id, number, size)
        self.acked_mail = []      # message ids tix-mailin took
        self.replays = 0
        # Working set: per customer the tickets and files, the agents'.
        self.tickets = {}         # customer index -> [number]
        self.files = {}           # customer index -> [(number, id, name)]
        self.samples = []
        self.daemons = []
        self.stop = threading.Event()

    # --------------------------------------------------------- accounts
    def make_users(self):
        self.customers, self.agents = [], []
        account = "Soak %s" % self.run
        for role, n, into in (("customer", self.a.customers, self.customers),
                              ("agent", self.a.agents, self.agents)):
            for i in range(n):
                email = "soak-%s-%s%d@soak.test" % (self.run, role, i)
                password = "pw-" + uuid.uuid4().hex
                p = subprocess.run(
                    ["tix-admin", "user", "add", "--email", email,
                     "--name", "Soak %s %d" % (role, i), "--role", role,
                     "--account", account if role == "customer"
                     else "Tix Support"],
                    input=password + "\n", capture_output=True, text=True,
                    timeout=120)
                if p.returncode != 0:
                    sys.exit("tix-admin user add: %s" % p.stderr.strip())
                into.append({"email": email,
                             "tokens": self.tokens(email, password)})
        for i in range(len(self.customers)):
            self.tickets[i], self.files[i] = [], []

    def tokens(self, email, password):
        h = Http(self.a.base)
        st, hd, body = h.request(
            "POST", "/api/auth/login",
            json.dumps({"email": email, "password": password}),
            {"Content-Type": "application/json"})
        if st != 200:
            sys.exit("login %s: %d %s" % (email, st, body[:300]))
        csrf = json.loads(body)["csrf_token"]
        cookie = hd.get("Set-Cookie", hd.get("set-cookie", "")).split(";")[0]
        out = []
        for i in range(self.a.tokens):
            st, _, body = h.request(
                "POST", "/api/me/tokens", json.dumps({"name": "soak %d" % i}),
                {"Content-Type": "application/json", "Cookie": cookie,
                 "X-CSRF-Token": csrf})
            if st != 201:
                sys.exit("POST /api/me/tokens: %d %s" % (st, body[:300]))
            out.append("Bearer " + json.loads(body)["token"])
        return out

    # ------------------------------------------------------- bookkeeping
    def record(self, kind, status, ok, t_slot, detail=""):
        """One answer: its latency from its time slot (the wait for a
        free thread included) and from its sending."""
        now = time.monotonic()
        lat = now - t_slot
        svc = now - getattr(self.sent, "t", t_slot)
        with self.lock:
            key = (kind, status)
            self.counts[key] = self.counts.get(key, 0) + 1
            self.kind_lat.setdefault(kind, []).append(svc)
            self.win_lat.append(lat)
            self.win_svc.append(svc)
            self.win_n += 1
            if not ok:
                self.win_bad += 1
                self.bad_n += 1
                if len(self.bad) < 20:
                    self.bad.append("%s: %s %s" % (kind, status, detail[:300]))

    def pick_customer(self, rng):
        return rng.randrange(len(self.customers))

    def token_of(self, who, rng):
        return rng.choice(who["tokens"])

    # ------------------------------------------------------- operations
    def op(self, kind, h, rng, t0, ci=None):
        """One request of KIND (on customer CI's tickets, else on a random
        customer's); records its answer."""
        if ci is None:
            ci = self.pick_customer(rng)
        cust = self.customers[ci]
        agent = rng.choice(self.agents)
        as_agent = rng.random() < 0.4
        who = agent if as_agent else cust
        auth = {"Authorization": self.token_of(who, rng)}
        with self.lock:
            mine = list(self.tickets[ci][-200:]) if self.tickets[ci] else []
            files = self.files[ci][-200:]
            filed = rng.choice(files) if files else None
        number = rng.choice(mine) if mine else None
        self.sent.t = time.monotonic()
        try:
            if kind == "list_customer":
                st, _, body = h.request("GET", "/api/tickets", None,
                                        {"Authorization":
                                         self.token_of(cust, rng)})
                self.record(kind, st, st == 200, t0, body)
            elif kind == "list_agent":
                path = rng.choice(["/api/tickets", "/api/tickets?status=open",
                                   "/api/tickets?sort=-created_at&per_page=50"])
                st, _, body = h.request("GET", path, None, {
                    "Authorization": self.token_of(agent, rng)})
                self.record(kind, st, st == 200, t0, body)
            elif kind == "read":
                st, _, body = h.request("GET", "/api/tickets/" + number,
                                        None, auth)
                self.record(kind, st, st == 200, t0, body)
            elif kind == "search":
                st, _, body = h.request("GET", "/api/tickets?q=" +
                                        rng.choice(VOCAB), None, auth)
                self.record(kind, st, st == 200, t0, body)
            elif kind == "create":
                self.create(h, rng, ci, t0)
            elif kind == "reply":
                with self.lock:
                    self.seq += 1
                    marker = "soak %s r%d" % (self.run, self.seq)
                st, _, body = h.request(
                    "POST", "/api/tickets/%s/messages" % number,
                    json.dumps({"body": marker + ": thank you, that helps; "
                                "the export still stops after 30 seconds."}),
                    dict(auth, **{"Content-Type": "application/json"}))
                ok = st == 201
                if ok:
                    with self.lock:
                        self.acked_replies[marker] = (
                            json.loads(body)["entry"]["id"], number)
                self.record(kind, st, ok, t0, body)
            elif kind == "upload":
                with self.lock:
                    self.seq += 1
                    name = "soak-%s-u%d.txt" % (self.run, self.seq)
                content = file_content(name)
                data, ctype = multipart({}, [(name, content, "text/plain")])
                st, _, body = h.request(
                    "POST", "/api/tickets/%s/attachments" % number, data,
                    dict(auth, **{"Content-Type": ctype}))
                ok = st == 201
                if ok:
                    att = json.loads(body)["attachments"][0]
                    with self.lock:
                        self.acked_uploads[name] = (att["id"], number,
                                                    len(content))
                        self.files[ci].append((number, att["id"], name))
                self.record(kind, st, ok, t0, body)
            elif kind == "download":
                if filed is None:
                    return self.op("read", h, rng, t0)
                num, aid, name = filed
                st, _, body = h.request(
                    "GET", "/api/tickets/%s/attachments/%s" % (num, aid),
                    None, auth)
                ok = st == 200 and body == file_content(name)
                self.record(kind, st, ok, t0,
                            "" if ok or st != 200 else "wrong bytes")
        except (OSError, http.client.HTTPException, ValueError,
                KeyError) as e:
            self.record(kind, "socket", False, t0, repr(e))

    def create(self, h, rng, ci, t0):
        cust = self.customers[ci]
        with self.lock:
            self.seq += 1
            marker = "soak %s c%d" % (self.run, self.seq)
        words = " ".join(rng.sample(VOCAB, 3))
        body = json.dumps({
            "subject": "Export stops after 30 seconds (%s)" % words,
            "description": marker + ": exporting a project with about "
            "40,000 rows stops after 30 seconds. " + words,
            "category": rng.choice(["technical", "billing", "license",
                                    "general"]),
            "priority": rng.choice(["low", "normal", "high"])})
        key = uuid.uuid4().hex
        ti = rng.randrange(len(cust["tokens"]))
        headers = {"Authorization": cust["tokens"][ti],
                   "Content-Type": "application/json",
                   "Idempotency-Key": key}
        st, _, resp = h.request("POST", "/api/tickets", body, headers)
        ok = st == 201
        if ok:
            number = json.loads(resp)["ticket"]["number"]
            with self.lock:
                self.acked_creates[marker] = (number, key, ti)
                self.tickets[ci].append(number)
        self.record("create", st, ok, t0, resp)
        # One create in ten is sent again, as a client whose answer got
        # lost would: the same ticket, never a second.
        if ok and rng.random() < 0.1:
            t1 = self.sent.t = time.monotonic()
            st, _, resp = h.request("POST", "/api/tickets", body, headers)
            same = st == 201 and json.loads(resp)["ticket"]["number"] == number
            if same:
                with self.lock:
                    self.replays += 1
            self.record("create_replay", st, same, t1,
                        "" if same else resp.decode("utf-8", "replace"))

    # -------------------------------------------------------- working set
    def working_set(self):
        h, rng = Http(self.a.base), random.Random()
        for ci in range(len(self.customers)):
            for _ in range(self.a.initial_tickets):
                self.create(h, rng, ci, time.monotonic())
                self.op("upload", h, rng, time.monotonic(), ci)
        if self.bad_n:
            sys.exit("the working set could not be made: %s" % self.bad)

    # ------------------------------------------------------------ daemons
    def start_daemons(self):
        mail = os.path.join(self.a.state, "mail")
        os.makedirs(mail, exist_ok=True)
        env = dict(os.environ, TIX_MAIL_DIR=mail,
                   TIX_SUPPORT_ADDRESS=SUPPORT)
        env.pop("TIX_SMTP_URL", None)
        for name, argv in (("tix-scheduler", ["--interval", "10"]),
                           ("tix-notify", ["--interval", "5"])):
            f = open(os.path.join(self.a.state, name + ".log"), "ab")
            p = subprocess.Popen([name] + argv, stdout=f, stderr=f,
                                 env=dict(env, PGAPPNAME=name))
            self.daemons.append((name, p))
        self.mail_env = dict(env, PGAPPNAME="tix-mailin")

    def stop_daemons(self):
        for name, p in self.daemons:
            p.terminate()
        for name, p in self.daemons:
            try:
                p.wait(timeout=60)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()

    def mail_loop(self):
        rng = random.Random()
        n = 0
        while not self.stop.wait(self.a.mail_interval):
            n += 1
            ci = rng.randrange(len(self.customers))
            email = self.customers[ci]["email"]
            mid = "soak-%s-m%d@soak.test" % (self.run, n)
            with self.lock:
                mine = self.tickets[ci][-50:]
            subject = "Export question %d" % n
            if mine and n % 2 == 0:
                subject = "Re: [%s] export" % rng.choice(mine)
            raw = ("From: Soak <%s>\nTo: %s\nSubject: %s\nMessage-ID: <%s>\n"
                   "Date: Thu, 03 Dec 2026 10:00:00 +0000\nMIME-Version: 1.0\n"
                   "Content-Type: text/plain; charset=utf-8\n\n"
                   "The export still stops after 30 seconds.\n"
                   % (email, SUPPORT, subject, mid)).encode()
            t0 = self.sent.t = time.monotonic()
            try:
                p = subprocess.run(["tix-mailin", "--stdin"], input=raw,
                                   capture_output=True, env=self.mail_env,
                                   timeout=120)
                ok = p.returncode == 0
                if ok:
                    with self.lock:
                        self.acked_mail.append(mid)
                self.record("mail", "exit %d" % p.returncode, ok, t0,
                            p.stderr.decode("utf-8", "replace"))
            except subprocess.TimeoutExpired:
                self.record("mail", "timeout", False, t0)
            for name, p in self.daemons:
                if p.poll() is not None:
                    self.record(name, "exit %s" % p.returncode, False, t0)

    # ------------------------------------------------------------ traffic
    def drive(self, seconds, rate):
        """The mix for SECONDS; RATE requests a second in all (0: as fast
        as the threads go).  Returns the answers counted and the seconds taken."""
        kinds = [k for k, w in MIX for _ in range(w)]
        end = time.monotonic() + seconds
        start = time.monotonic()
        slot = [0]
        done = [0]

        def worker():
            h, rng = Http(self.a.base), random.Random()
            while True:
                if rate:
                    with self.lock:
                        i = slot[0]
                        slot[0] += 1
                    t = start + i / rate
                    # Behind the schedule at the end: the slots left are
                    # dropped, so the run lasts what it was told.
                    if t >= end or time.monotonic() >= end:
                        return
                    wait = t - time.monotonic()
                    if wait > 0:
                        time.sleep(wait)
                else:
                    t = time.monotonic()
                    if t >= end:
                        return
                self.op(rng.choice(kinds), h, rng, t)
                with self.lock:
                    done[0] += 1

        threads = [threading.Thread(target=worker, daemon=True)
                   for _ in range(self.a.threads)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return done[0], time.monotonic() - start

    # ----------------------------------------------------------- sampling
    def worker_pids(self):
        """{binary: {pid: (rss KiB, pss KiB)}} of the workers' children."""
        out = {}
        parents = {}
        for pf in self.a.pidfile:
            name = os.path.basename(pf).rsplit(".", 1)[0]
            with open(pf) as f:
                parents[int(f.read().strip())] = name
            out[name] = {}
        for d in os.listdir("/proc"):
            if not d.isdigit():
                continue
            try:
                with open("/proc/%s/stat" % d) as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
                if ppid not in parents:
                    continue
                rss = pss = 0
                with open("/proc/%s/status" % d) as f:
                    for line in f:
                        if line.startswith("VmRSS:"):
                            rss = int(line.split()[1])
                with open("/proc/%s/smaps_rollup" % d) as f:
                    for line in f:
                        if line.startswith("Pss:"):
                            pss = int(line.split()[1])
                out[parents[ppid]][int(d)] = (rss, pss)
            except (OSError, ValueError, IndexError):
                continue
        return out

    def connections(self):
        rows = self.db.rows(
            "SELECT coalesce(nullif(application_name, ''), 'workers'),"
            " count(*) FROM pg_stat_activity WHERE datname = 'tix'"
            " AND backend_type = 'client backend'"
            " AND application_name <> 'soak-sampler' GROUP BY 1")
        return {r[0]: int(r[1]) for r in rows}

    def sample(self, t0):
        with self.lock:
            lat, svc, n, bad = (self.win_lat, self.win_svc, self.win_n,
                                self.win_bad)
            self.win_lat, self.win_svc, self.win_n, self.win_bad = \
                [], [], 0, 0
            phase = self.phase
        s = {"t": round(time.monotonic() - t0, 1), "phase": phase,
             "n": n, "errors": bad,
             "p50_ms": round(1000 * percentile(lat, 50), 2),
             "p99_ms": round(1000 * percentile(lat, 99), 2),
             "p99_sent_ms": round(1000 * percentile(svc, 99), 2),
             "workers": self.worker_pids(), "pg": self.connections(),
             "load": os.getloadavg()[0]}
        self.samples.append(s)
        rss = {k: sum(v[0] for v in p.values()) for k, p in
               s["workers"].items()}
        log("t=%5.0fs %-5s %6d answers %3d errors p99 %7.1f ms (%.1f from "
            "sending)  RSS %s  connections %s  load %.1f" % (
                s["t"], phase, n, bad, s["p99_ms"], s["p99_sent_ms"],
                " ".join("%s=%d" % kv for kv in sorted(rss.items())),
                " ".join("%s=%d" % kv for kv in sorted(s["pg"].items())),
                s["load"]))

    def sampler(self, t0, interval):
        while not self.stop.wait(interval):
            try:
                self.sample(t0)
            except Exception as e:  # a failed sample is reported, not fatal
                log("sample failed: %r" % e)

    # ------------------------------------------------------------- checks
    def check_writes(self):
        problems = []
        like = "soak %s %%" % self.run
        rows = self.db.rows(
            "SELECT substring(t.description from '^(soak [0-9a-f]+ c[0-9]+):'),"
            " 'TICK-' || t.number, coalesce(k.key, '')"
            " FROM tickets t LEFT JOIN idempotency_keys k ON k.ticket_id = t.id"
            " WHERE t.description LIKE :'p'", p=like)
        found = {}
        for marker, number, key in rows:
            found.setdefault(marker, []).append((number, key))
        for marker, (number, key, _) in self.acked_creates.items():
            got = found.get(marker, [])
            if got != [(number, key)]:
                problems.append("create %s (%s): found %r" %
                                (marker, number, got))
        rows = self.db.rows(
            "SELECT substring(e.body from '^(soak [0-9a-f]+ r[0-9]+):'),"
            " e.id, 'TICK-' || t.number FROM ticket_entries e"
            " JOIN tickets t ON t.id = e.ticket_id"
            " WHERE e.body LIKE :'p' AND e.type = 'message'", p=like)
        found = {}
        for marker, eid, number in rows:
            found.setdefault(marker, []).append((int(eid), number))
        for marker, (eid, number) in self.acked_replies.items():
            if found.get(marker, []) != [(eid, number)]:
                problems.append("reply %s: answered %d on %s, found %r" % (
                    marker, eid, number, found.get(marker)))
        rows = self.db.rows(
            "SELECT a.filename, a.id, 'TICK-' || t.number, a.size"
            " FROM attachments a JOIN tickets t ON t.id = a.ticket_id"
            " WHERE a.filename LIKE :'p'", p="soak-%s-u%%" % self.run)
        found = {}
        for name, aid, number, size in rows:
            found.setdefault(name, []).append((int(aid), number, int(size)))
        for name, want in self.acked_uploads.items():
            if found.get(name, []) != [want]:
                problems.append("upload %s: answered %r, found %r" % (
                    name, want, found.get(name)))
        rows = self.db.rows(
            "SELECT message_id, count(*) FROM inbound_messages"
            " WHERE message_id LIKE :'p' GROUP BY 1",
            p="%%soak-%s-m%%" % self.run)
        found = {r[0].strip("<>"): int(r[1]) for r in rows}
        for mid in self.acked_mail:
            if found.get(mid) != 1:
                problems.append("mail %s: %r rows" % (mid, found.get(mid)))
        return problems

    def check_flat(self):
        """RSS, restarts and connections: first window against last."""
        problems, report = [], []
        soak = [s for s in self.samples if s["phase"] == "soak"]
        if len(soak) < 2:
            return ["fewer than two samples during the soak"], report
        t_first, t_last = soak[0]["t"], soak[-1]["t"]
        first = [s for s in soak if s["t"] <= t_first + self.a.window]
        last = [s for s in soak if s["t"] >= t_last - self.a.window]
        for name in sorted(soak[0]["workers"]):
            pids0 = set(soak[0]["workers"][name])
            pids1 = set(soak[-1]["workers"][name])
            if pids0 != pids1:
                problems.append("%s: processes replaced during the run "
                                "(%s gone, %s new)" % (
                                    name, sorted(pids0 - pids1),
                                    sorted(pids1 - pids0)))
            for pid in sorted(pids0 & pids1):
                r0 = max(s["workers"][name].get(pid, (0, 0))[0]
                         for s in first)
                r1 = max(s["workers"][name].get(pid, (0, 0))[0]
                         for s in last)
                p0 = max(s["workers"][name].get(pid, (0, 0))[1]
                         for s in first)
                p1 = max(s["workers"][name].get(pid, (0, 0))[1]
                         for s in last)
                report.append("%s pid %d: RSS %d -> %d KiB (%+d), PSS %d -> "
                              "%d KiB" % (name, pid, r0, r1, r1 - r0, p0, p1))
                if r1 - r0 > self.a.rss_bound_kib:
                    problems.append("%s pid %d: RSS grew %d KiB (bound %d)" %
                                    (name, pid, r1 - r0,
                                     self.a.rss_bound_kib))
        c0 = max(s["pg"].get("workers", 0) for s in first)
        c1 = max(s["pg"].get("workers", 0) for s in last)
        allc = [sum(s["pg"].values()) for s in soak]
        report.append("PostgreSQL connections of the workers: max %d in the "
                      "first window, %d in the last; all clients %d-%d" %
                      (c0, c1, min(allc), max(allc)))
        if c1 > c0:
            problems.append("the workers' connections rose from %d to %d" %
                            (c0, c1))
        nproc = sum(len(v) for v in soak[-1]["workers"].values()) + \
            self.a.other_connections
        if c1 > nproc:
            problems.append("%d worker connections for %d processes" %
                            (c1, nproc))
        # p99 from sending: the answer's own time (the queue in nginx and
        # the workers included, at most --threads deep).  The p99 from
        # the time slot also counts the driver's wait for a free thread,
        # which grows without bound once the stack falls behind the rate
        # (other work on a shared machine does that): reported only.
        lat0 = max(s["p99_sent_ms"] for s in first)
        lat1 = max(s["p99_sent_ms"] for s in last)
        slot0 = max(s["p99_ms"] for s in first)
        slot1 = max(s["p99_ms"] for s in last)
        report.append("p99 per window (worst): %.1f ms in the first window, "
                      "%.1f ms in the last (from the time slots: %.1f and "
                      "%.1f ms)" % (lat0, lat1, slot0, slot1))
        if self.a.p99_factor and lat1 > self.a.p99_factor * max(lat0, 5.0):
            problems.append("p99 rose from %.1f to %.1f ms" % (lat0, lat1))
        return problems, report

    # --------------------------------------------------------------- main
    def main(self):
        a = self.a
        t_setup = time.monotonic()
        self.make_users()
        self.working_set()
        log("run %s: %d customers and %d agents, %d tokens each; %d "
            "tickets made in %.1fs" % (
                self.run, len(self.customers), len(self.agents), a.tokens,
                len(self.acked_creates), time.monotonic() - t_setup))
        # The notices of this run: the database may hold older ones
        # (other tests' on a shared stack, some failed on purpose).
        self.since = self.db.rows("SELECT now()")[0][0]
        self.start_daemons()
        t0 = time.monotonic()
        threads = [threading.Thread(target=self.sampler, args=(t0, a.sample),
                                    daemon=True),
                   threading.Thread(target=self.mail_loop, daemon=True)]
        for t in threads:
            t.start()
        try:
            self.phase = "peak"
            n, secs = self.drive(a.peak_seconds, 0)
            peak = n / secs
            rate = a.fraction * peak
            if a.max_rate and rate > a.max_rate:
                rate = a.max_rate
            log("peak %.1f req/s (%d answers in %.1fs); driving at %.1f "
                "req/s for %ds" % (peak, n, secs, rate, a.duration))
            self.sample(t0)
            self.phase = "soak"
            self.sample(t0)
            n, secs = self.drive(a.duration, rate)
            self.sample(t0)
        finally:
            self.stop.set()
            for t in threads:
                t.join()
            self.stop_daemons()
        problems = []
        if self.bad_n:
            problems.append("%d unexpected answers, the first: %s" % (
                self.bad_n, "; ".join(self.bad)))
        problems += self.check_writes()
        flat_problems, report = self.check_flat()
        problems += flat_problems
        mails = len(os.listdir(os.path.join(a.state, "mail")))
        outbox = {r[0]: int(r[1]) for r in self.db.rows(
            "SELECT status, count(*) FROM outbox"
            " WHERE created_at >= :'p'::timestamptz GROUP BY 1",
            p=self.since)}
        report.append("outbox after the run: %s" % " ".join(
            "%s=%d" % kv for kv in sorted(outbox.items())))
        if outbox.get("failed"):
            problems.append("%d notices failed" % outbox["failed"])
        summary = {
            "run": self.run, "peak_rps": round(peak, 1),
            "target_rps": round(rate, 1),
            "achieved_rps": round(n / secs, 1), "duration_s": round(secs, 1),
            "answers": {"%s %s" % k: v for k, v in sorted(
                self.counts.items(), key=lambda kv: (kv[0][0], str(kv[0][1])))},
            "acknowledged": {"creates": len(self.acked_creates),
                             "replays": self.replays,
                             "replies": len(self.acked_replies),
                             "uploads": len(self.acked_uploads),
                             "mail": len(self.acked_mail)},
            "notices_written": mails,
            "latency_ms_by_kind": {k: {
                "n": len(v), "p50": round(1000 * percentile(v, 50), 2),
                "p99": round(1000 * percentile(v, 99), 2)}
                for k, v in sorted(self.kind_lat.items())},
            "report": report, "problems": problems,
            "samples": self.samples}
        with open(os.path.join(a.state, "soak.json"), "w") as f:
            json.dump(summary, f, indent=1)
        log("peak %.1f req/s, target %.1f, achieved %.1f req/s over %.0fs" %
            (peak, rate, n / secs, secs))
        if n / secs < 0.95 * rate:
            log("WARNING: the stack fell behind the rate (other work on the "
                "machine, or a peak measured too high)")
        log("acknowledged: %s; %d notices written" %
            (summary["acknowledged"], mails))
        for k, v in summary["latency_ms_by_kind"].items():
            log("%-14s %7d answers, from sending p50 %7.1f ms, p99 %7.1f ms"
                % (k, v["n"], v["p50"], v["p99"]))
        for line in report:
            log(line)
        for p in problems[:40]:
            log("FAILED: " + p)
        return 1 if problems else 0


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--base", required=True, help="http://127.0.0.1:PORT")
    p.add_argument("--pg-admin-url", required=True)
    p.add_argument("--state", required=True, help="a directory for output")
    p.add_argument("--pidfile", action="append", required=True,
                   help="a worker parent's pid file (repeat)")
    p.add_argument("--duration", type=int, default=1800)
    p.add_argument("--peak-seconds", type=int, default=30)
    p.add_argument("--fraction", type=float, default=0.8)
    p.add_argument("--max-rate", type=float, default=0)
    p.add_argument("--threads", type=int, default=16)
    p.add_argument("--sample", type=int, default=15)
    p.add_argument("--window", type=int, default=300)
    p.add_argument("--rss-bound-kib", type=int, default=1024)
    p.add_argument("--p99-factor", type=float, default=3.0)
    p.add_argument("--other-connections", type=int, default=0,
                   help="connections of other processes without an "
                   "application_name that may be open (workers not measured)")
    p.add_argument("--mail-interval", type=float, default=20)
    p.add_argument("--customers", type=int, default=4)
    p.add_argument("--agents", type=int, default=2)
    p.add_argument("--tokens", type=int, default=4)
    p.add_argument("--initial-tickets", type=int, default=10)
    a = p.parse_args()
    os.makedirs(a.state, exist_ok=True)
    # A stop ends the run through its cleanup: the daemons it started
    # are stopped too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    sys.exit(Soak(a).main())


if __name__ == "__main__":
    main()
