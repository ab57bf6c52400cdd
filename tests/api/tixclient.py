"""Shared code of the HTTP API tests.

A small HTTP client with its own cookies, helpers to create users with
tix-admin and to read or adjust rows with psql, and a TestCase base class
with the assertions every test file uses.

Environment (all required; a missing variable fails the test run):
  TIX_TEST_BASE_URL   e.g. http://127.0.0.1:8080
  TIX_DATABASE_URL    libpq connection string of the test database
  TIX_TEST_PG_STOP, TIX_TEST_PG_START   shell commands (database-down tests)
"""

import datetime
import http.client
import json
import os
import re
import subprocess
import unittest
import urllib.parse
import uuid

STATE_CHANGING = ("POST", "PUT", "PATCH", "DELETE")
SESSION_COOKIE = "tix_session"
CSP = "default-src 'self'; frame-ancestors 'none'"

# Keys of the contract's objects.
USER_KEYS = {"id", "email", "name", "role", "account"}
SUMMARY_KEYS = {
    "number", "subject", "status", "priority", "category", "license_key",
    "requester", "assignee", "created_at", "updated_at",
    "first_response_at", "resolved_at", "closed_at", "sla",
    "attachment_count",
}
DETAIL_KEYS = SUMMARY_KEYS | {
    "description", "can_reopen", "attachments", "license", "timeline",
}
DEFAULT_PREFERENCES = {
    "email_on_reply": True,
    "email_on_status": True,
    "email_on_assigned": True,
    "sms_number": None,
    "sms_enabled": False,
}

RFC3339_UTC = re.compile(
    r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")
TICKET_NUMBER = re.compile(r"^TICK-(\d+)$")


class _Default:
    def __repr__(self):
        return "DEFAULT"


DEFAULT = _Default()


def require_env(name):
    value = os.environ.get(name)
    if not value:
        raise RuntimeError(
            "environment variable %s is not set; run the API tests through "
            "scripts/test" % name)
    return value


def unique(prefix="t"):
    return "%s-%s" % (prefix, uuid.uuid4().hex[:12])


def strong_password():
    """A password cracklib takes: random and mixed, with at most two
    neighbouring characters one apart ("ab", "98"): cracklib calls more
    than four such steps too systematic."""
    while True:
        pw = "Zq7-" + uuid.uuid4().hex[:12] + "-Kx"
        steps = sum(1 for a, b in zip(pw, pw[1:]) if abs(ord(a) - ord(b)) == 1)
        if steps <= 2:
            return pw


def unique_word(n=10):
    """A random word of lower-case letters only (safe for text search)."""
    letters = "bcdfghjklmnpqrtvwxz"
    raw = uuid.uuid4().int
    out = []
    for _ in range(n):
        raw, r = divmod(raw, len(letters))
        out.append(letters[r])
    return "qz" + "".join(out)


# --------------------------------------------------------------------------
# HTTP


class Response(tuple):
    """(status, headers, body): body is parsed JSON when the response says
    application/json and parses, else the raw bytes.  Also .raw (bytes),
    .cookies (list of parsed Set-Cookie headers)."""

    def __new__(cls, status, headers, body, raw, set_cookies):
        self = tuple.__new__(cls, (status, headers, body))
        self.raw = raw
        self.set_cookies = set_cookies
        return self

    @property
    def status(self):
        return self[0]

    @property
    def headers(self):
        return self[1]

    @property
    def body(self):
        return self[2]

    def json(self):
        if isinstance(self.body, (dict, list)):
            return self.body
        raise AssertionError("response %d is not JSON: %r" %
                             (self.status, self.raw[:500]))

    def cookie(self, name):
        """The parsed Set-Cookie for name, or None."""
        for c in self.set_cookies:
            if c["name"] == name:
                return c
        return None

    def __repr__(self):
        return "<Response %d %r>" % (self.status, self.raw[:300])


def parse_set_cookie(line):
    parts = [p.strip() for p in line.split(";")]
    name, _, value = parts[0].partition("=")
    attrs = {}
    for p in parts[1:]:
        if not p:
            continue
        k, eq, v = p.partition("=")
        attrs[k.strip().lower()] = v.strip() if eq else True
    return {"name": name.strip(), "value": value.strip(), "attrs": attrs,
            "raw": line}


class Client:
    """One HTTP session: its own cookies, CSRF token and optional bearer
    token.  Every method returns a Response (status, headers, body)."""

    def __init__(self, base_url=None, token=None, source=None):
        self.base_url = base_url or require_env("TIX_TEST_BASE_URL")
        u = urllib.parse.urlsplit(self.base_url)
        if u.scheme not in ("http", "https") or not u.hostname:
            raise RuntimeError("bad TIX_TEST_BASE_URL %r" % self.base_url)
        self.scheme = u.scheme
        self.host = u.hostname
        self.port = u.port
        self.prefix = u.path.rstrip("/")
        self.cookies = {}
        self.csrf_token = None
        self.token = token
        self.user = None
        self.timeout = 30
        # The local address to send from (any of 127/8 works on
        # loopback): the client address the server sees.
        self.source = source

    # -- plumbing

    def _connection(self):
        cls = (http.client.HTTPSConnection if self.scheme == "https"
               else http.client.HTTPConnection)
        return cls(self.host, self.port, timeout=self.timeout,
                   source_address=(self.source, 0) if self.source else None)

    def request(self, method, path, body=None, *, raw=None,
                content_type=DEFAULT, headers=None, csrf=DEFAULT,
                token=DEFAULT, cookies=True, query=None):
        """Send one request.

        body: a JSON value, encoded as application/json.
        raw: bytes sent as they are (content_type as given; DEFAULT means
             application/json, None means no Content-Type header).
        csrf: DEFAULT sends the stored token on state-changing requests;
              None omits it; a string sends that string.
        token: DEFAULT uses the client's bearer token (if any); None omits;
               a string sends "Authorization: Bearer <string>".
        cookies: False sends no Cookie header.
        query: a dict or list of pairs, urlencoded onto the path.
        """
        method = method.upper()
        hdrs = {"Accept": "application/json"}
        data = None
        if body is not None and raw is not None:
            raise ValueError("body and raw are exclusive")
        if body is not None:
            data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        elif raw is not None:
            data = raw if isinstance(raw, bytes) else raw.encode("utf-8")
        if data is not None:
            if content_type is DEFAULT:
                hdrs["Content-Type"] = "application/json"
            elif content_type is not None:
                hdrs["Content-Type"] = content_type
        if method in STATE_CHANGING:
            if csrf is DEFAULT:
                if self.csrf_token is not None:
                    hdrs["X-CSRF-Token"] = self.csrf_token
            elif csrf is not None:
                hdrs["X-CSRF-Token"] = csrf
        bearer = self.token if token is DEFAULT else token
        if bearer is not None:
            hdrs["Authorization"] = "Bearer " + bearer
        if cookies and self.cookies:
            hdrs["Cookie"] = "; ".join(
                "%s=%s" % kv for kv in self.cookies.items())
        if headers:
            for k, v in headers.items():
                if v is None:
                    hdrs.pop(k, None)
                else:
                    hdrs[k] = v
        url = self.prefix + path
        if query is not None:
            url += ("&" if "?" in url else "?") + urllib.parse.urlencode(query)

        conn = self._connection()
        try:
            conn.putrequest(method, url, skip_accept_encoding=True)
            if data is not None or method in STATE_CHANGING:
                conn.putheader("Content-Length",
                               str(len(data) if data is not None else 0))
            for k, v in hdrs.items():
                conn.putheader(k, v)
            conn.endheaders()
            if data:
                try:
                    conn.send(data)
                except (BrokenPipeError, ConnectionResetError):
                    # The server may answer (e.g. 413) and close before it
                    # read the whole body; its answer is still readable.
                    pass
            resp = conn.getresponse()
            rawbody = resp.read()
            status = resp.status
            rheaders = resp.headers
        finally:
            conn.close()

        set_cookies = [parse_set_cookie(line)
                       for line in rheaders.get_all("Set-Cookie") or []]
        for c in set_cookies:
            expired = (c["value"] in ("", '""')
                       or c["attrs"].get("max-age") in ("0", "-1"))
            if expired:
                self.cookies.pop(c["name"], None)
            else:
                self.cookies[c["name"]] = c["value"]

        parsed = rawbody
        ctype = (rheaders.get("Content-Type") or "").lower()
        if ctype.startswith("application/json") and rawbody:
            try:
                parsed = json.loads(rawbody.decode("utf-8"))
            except (ValueError, UnicodeDecodeError):
                parsed = rawbody
        return Response(status, rheaders, parsed, rawbody, set_cookies)

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, body=None, **kw):
        return self.request("POST", path, body, **kw)

    def put(self, path, body=None, **kw):
        return self.request("PUT", path, body, **kw)

    def patch(self, path, body=None, **kw):
        return self.request("PATCH", path, body, **kw)

    def delete(self, path, body=None, **kw):
        return self.request("DELETE", path, body, **kw)

    # -- sessions

    @property
    def session_cookie(self):
        return self.cookies.get(SESSION_COOKIE)

    def set_session_cookie(self, value):
        self.cookies[SESSION_COOKIE] = value

    def login(self, email, password, check=True):
        r = self.post("/api/auth/login",
                      {"email": email, "password": password}, csrf=None)
        if r.status == 200 and isinstance(r.body, dict):
            self.csrf_token = r.body.get("csrf_token")
            self.user = r.body.get("user")
        elif check:
            raise AssertionError("login of %s failed: %r" % (email, r))
        return r

    def logout(self):
        return self.post("/api/auth/logout")

    def new_token(self, name=None):
        """Create a personal API token; returns (id, token)."""
        r = self.post("/api/me/tokens", {"name": name or unique("tok")})
        if r.status != 201:
            raise AssertionError("token creation failed: %r" % (r,))
        return r.body["id"], r.body["token"]


def fresh_address():
    """A loopback address no other test sends from (127.1.0.0/16 up)."""
    n = uuid.uuid4().int % (254 * 254 * 200)
    return "127.%d.%d.%d" % (1 + n // (254 * 254), 1 + (n // 254) % 254,
                             1 + n % 254)


def login(user, password=None, source=None):
    """A new Client logged in as user ((email, password) or an email)."""
    if password is None:
        email, password = user
    else:
        email = user
    c = Client(source=source)
    c.login(email, password)
    return c


def bearer_client(token):
    return Client(token=token)


# --------------------------------------------------------------------------
# Database and tix-admin


def psql(sql, *args):
    """Run sql through psql; args are bound as :'p1', :'p2', ... (quoted
    literals).  Returns stdout stripped (-At: unaligned, tuples only)."""
    url = require_env("TIX_DATABASE_URL")
    cmd = ["psql", url, "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1"]
    for i, a in enumerate(args, 1):
        cmd += ["-v", "p%d=%s" % (i, "" if a is None else a)]
    cmd += ["-f", "-"]
    p = subprocess.run(cmd, input=sql, capture_output=True, text=True,
                       timeout=60)
    if p.returncode != 0:
        raise RuntimeError("psql failed (%d): %s\nSQL: %s" %
                           (p.returncode, p.stderr.strip(), sql))
    return p.stdout.strip()


def psql_int(sql, *args):
    return int(psql(sql, *args))


def psql_rows(sql, *args):
    out = psql(sql, *args)
    return [line.split("|") for line in out.splitlines()] if out else []


class UserInfo(tuple):
    """(email, password) with .name, .role, .account, .timezone, .id."""

    def __new__(cls, email, password, name, role, account, timezone):
        self = tuple.__new__(cls, (email, password))
        self.email = email
        self.password = password
        self.name = name
        self.role = role
        self.account = account
        self.timezone = timezone
        self._id = None
        return self

    @property
    def id(self):
        if self._id is None:
            self._id = user_id(self.email)
        return self._id


def tix_admin(*args, stdin=None, check=True):
    env = dict(os.environ)
    require_env("TIX_DATABASE_URL")
    p = subprocess.run(["tix-admin"] + list(args), input=stdin,
                       capture_output=True, text=True, env=env, timeout=60)
    if check and p.returncode != 0:
        raise RuntimeError("tix-admin %s failed (%d): %s %s" %
                           (" ".join(args), p.returncode, p.stdout.strip(),
                            p.stderr.strip()))
    return p


def new_account_name():
    return unique("acct")


def make_user(role, account=None, timezone="UTC", name=None):
    """Create a user with a unique email; returns (email, password)."""
    tag = uuid.uuid4().hex[:12]
    email = "%s-%s@example.com" % (role, tag)
    password = "pw-" + uuid.uuid4().hex
    name = name or "%s %s" % (role.capitalize(), tag)
    account = account or new_account_name()
    tix_admin("user", "add", "--email", email, "--name", name,
              "--role", role, "--account", account, "--timezone", timezone,
              stdin=password + "\n")
    return UserInfo(email, password, name, role, account, timezone)


def cast(cls, admin=False):
    """The usual people of a test class, each logged in: cls.cust (client
    cls.c) and cls.same (cls.s), two customers of one account; cls.stranger
    (cls.x), a customer of another; cls.agent (cls.a); with admin, also
    cls.admin (cls.ad)."""
    acct = new_account_name()
    cls.cust = make_user("customer", account=acct)
    cls.same = make_user("customer", account=acct)
    cls.stranger = make_user("customer")
    cls.agent = make_user("agent")
    cls.c = login(cls.cust)
    cls.s = login(cls.same)
    cls.x = login(cls.stranger)
    cls.a = login(cls.agent)
    if admin:
        cls.admin = make_user("admin")
        cls.ad = login(cls.admin)


def disable_user(email):
    tix_admin("user", "disable", "--email", email)


def user_id(email):
    out = psql("SELECT id FROM users WHERE email = lower(:'p1')", email)
    if not out:
        raise RuntimeError("no user %s" % email)
    return int(out)


def ticket_int(number):
    m = TICKET_NUMBER.match(number)
    if not m:
        raise AssertionError("not a ticket number: %r" % (number,))
    return int(m.group(1))


def count_tickets(email):
    """Tickets requested by the user with this email."""
    return psql_int(
        "SELECT count(*) FROM tickets t JOIN users u ON u.id = t.requester_id"
        " WHERE u.email = lower(:'p1')", email)


def count_entries(number):
    return psql_int(
        "SELECT count(*) FROM ticket_entries e JOIN tickets t"
        " ON t.id = e.ticket_id WHERE t.number = :'p1'", ticket_int(number))


def ticket_row(number, columns):
    rows = psql_rows("SELECT %s FROM tickets WHERE number = :'p1'" % columns,
                     ticket_int(number))
    return rows[0] if rows else None


def parse_time(s):
    if not isinstance(s, str) or not RFC3339_UTC.match(s):
        raise AssertionError("not an RFC 3339 UTC time: %r" % (s,))
    return datetime.datetime.fromisoformat(s.replace("Z", "+00:00"))


# --------------------------------------------------------------------------
# Tickets


def ticket_body(**fields):
    body = {
        "subject": "Subject " + unique("s"),
        "description": "Description " + unique("d"),
        "category": "general",
    }
    body.update(fields)
    return {k: v for k, v in body.items() if v is not _OMIT}


class _Omit:
    pass


_OMIT = _Omit()
OMIT = _OMIT


def create_ticket(client, **fields):
    """POST /api/tickets; asserts 201 and returns the ticket detail."""
    r = client.post("/api/tickets", ticket_body(**fields))
    if r.status != 201:
        raise AssertionError("ticket creation failed: %r" % (r,))
    return r.body["ticket"]


# --------------------------------------------------------------------------
# Assertions


class ApiTestCase(unittest.TestCase):
    maxDiff = 4000

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        require_env("TIX_TEST_BASE_URL")
        require_env("TIX_DATABASE_URL")

    def assertStatus(self, r, status):
        self.assertEqual(r.status, status,
                         "expected %d, got %r" % (status, r))

    def assertJson(self, r, status=None):
        if status is not None:
            self.assertStatus(r, status)
        ctype = r.headers.get("Content-Type") or ""
        self.assertTrue(ctype.lower().startswith("application/json"),
                        "Content-Type %r of %r" % (ctype, r))
        self.assertIsInstance(r.body, dict, "body of %r is no JSON object"
                              % (r,))
        return r.body

    def assertError(self, r, status, code, fields=None):
        """status, JSON {"error":{"code","message"[,"fields"]}}, the code,
        and (when given) that fields names each of the given keys."""
        body = self.assertJson(r, status)
        self.assertEqual(set(body), {"error"}, "error body %r" % (body,))
        err = body["error"]
        self.assertIsInstance(err, dict)
        self.assertEqual(err.get("code"), code, "error of %r" % (r,))
        self.assertIsInstance(err.get("message"), str)
        self.assertTrue(err["message"])
        self.assertLessEqual(set(err), {"code", "message", "fields"},
                             "error keys %r" % (err,))
        if "fields" in err:
            self.assertIsInstance(err["fields"], dict)
            for v in err["fields"].values():
                self.assertIsInstance(v, str)
        if fields:
            self.assertIn("fields", err, "no fields in %r" % (err,))
            for f in fields:
                self.assertIn(f, err["fields"],
                              "field %s missing from %r" % (f, err))
        return err

    def assertSecurityHeaders(self, r):
        h = r.headers
        self.assertEqual(h.get("Content-Security-Policy"), CSP,
                         "CSP of %r" % (r,))
        self.assertEqual((h.get("X-Content-Type-Options") or "").lower(),
                         "nosniff", "X-Content-Type-Options of %r" % (r,))
        self.assertEqual((h.get("Referrer-Policy") or "").lower(),
                         "same-origin", "Referrer-Policy of %r" % (r,))
        self.assertEqual(len(h.get_all("Content-Security-Policy") or []), 1)
        # nginx's $request_id, the same as on the workers' log lines.
        self.assertRegex(h.get("X-Request-Id") or "", r"^[0-9a-f]{32}$",
                         "X-Request-Id of %r" % (r,))
        self.assertEqual(len(h.get_all("X-Request-Id") or []), 1)

    def assertTime(self, s):
        return parse_time(s)

    def assertUserObject(self, user, info):
        """user (JSON) describes the UserInfo info."""
        self.assertLessEqual(USER_KEYS, set(user), user)
        self.assertNotIn("password_hash", user)
        self.assertNotIn("password", user)
        self.assertIsInstance(user["id"], int)
        self.assertEqual(user["id"], info.id)
        self.assertEqual(user["email"], info.email.lower())
        self.assertEqual(user["name"], info.name)
        self.assertEqual(user["role"], info.role)
        acct = user["account"]
        self.assertIsInstance(acct, dict)
        self.assertLessEqual({"id", "name", "timezone"}, set(acct))
        self.assertIsInstance(acct["id"], int)
        self.assertEqual(acct["name"], info.account)
        self.assertEqual(acct["timezone"], info.timezone)

    def assertSummary(self, t):
        self.assertLessEqual(SUMMARY_KEYS, set(t), t)
        self.assertRegex(t["number"], TICKET_NUMBER)
        self.assertGreaterEqual(ticket_int(t["number"]), 1001)
        self.assertIn(t["status"],
                      ("open", "in_progress", "waiting", "resolved", "closed"))
        self.assertIn(t["priority"], ("low", "normal", "high", "critical"))
        self.assertIn(t["category"],
                      ("technical", "billing", "license", "general"))
        self.assertTime(t["created_at"])
        self.assertTime(t["updated_at"])
        for k in ("first_response_at", "resolved_at", "closed_at"):
            if t[k] is not None:
                self.assertTime(t[k])
        req = t["requester"]
        self.assertLessEqual({"id", "name", "email", "account"}, set(req))
        self.assertNotIn("password_hash", req)
        self.assertEqual(set(req["account"]), {"id", "name"}, req)
        self.assertIsInstance(req["account"]["id"], int)
        self.assertIsInstance(req["account"]["name"], str)
        sla = t["sla"]
        self.assertLessEqual({"first_response_due_at", "breached"}, set(sla))
        self.assertTime(sla["first_response_due_at"])
        self.assertIsInstance(sla["breached"], bool)
        self.assertIsInstance(t["attachment_count"], int)

    def assertDetail(self, t):
        self.assertSummary(t)
        self.assertLessEqual(DETAIL_KEYS, set(t), t)
        self.assertIsInstance(t["description"], str)
        self.assertIsInstance(t["can_reopen"], bool)
        self.assertIsInstance(t["attachments"], list)
        self.assertIsInstance(t["timeline"], list)
        for e in t["timeline"]:
            self.assertEntry(e)

    def assertEntry(self, e):
        self.assertLessEqual({"id", "type", "at", "actor", "via"}, set(e), e)
        self.assertIn(e["type"], (
            "created", "message", "note", "status_changed",
            "priority_changed", "category_changed", "assigned", "reopened",
            "attachment_added", "sla_breached"))
        self.assertIn(e["via"], ("portal", "email", "api", "system"))
        self.assertTime(e["at"])
        if e["actor"] is not None:
            self.assertLessEqual({"id", "name", "role"}, set(e["actor"]))
