"""tix-admin account export and delete (docs/backup.md, "A customer's
data"): the export holds every ticket, timeline entry and file of one
account as the customers see them through the API, byte for byte, and
nothing of other accounts nor of the agents' internal notes; delete
without --yes changes nothing, with --yes the account's tickets and
users are gone and other accounts are untouched."""
import hashlib
import json
import os
import shutil
import stat
import subprocess
import tempfile

from test_backup import multipart
from tixclient import (ApiTestCase, Client, login, make_user, psql_int,
                       new_account_name, ticket_body, tix_admin)

PNG = b"\x89PNG\r\n\x1a\n" + os.urandom(2000)
# Bigger than one chunk, so that reading goes across chunks.
LOG = os.urandom(150 * 1024).hex().encode()


class AccountDataTest(ApiTestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="tix-account.")
        self.addCleanup(shutil.rmtree, self.dir)
        self.account = new_account_name()
        self.cust = make_user("customer", account=self.account)
        self.same = make_user("customer", account=self.account)
        self.other = make_user("customer")
        self.agent = make_user("agent")
        self.c, self.s = login(self.cust), login(self.same)
        self.x, self.a = login(self.other), login(self.agent)
        self.numbers, self.notes = [], []
        # Too long for "ID-" before it in a file system's 255 bytes.
        self.long_name = "\u00e9" * 110 + ".txt"
        for client, files in ((self.c, [("screen.png", PNG)]),
                              (self.s, [("big log.txt", LOG),
                                        (self.long_name, b"long\n")])):
            body, ctype = multipart(ticket_body(), files)
            r = client.post("/api/tickets", raw=body, content_type=ctype)
            self.assertEqual(r.status, 201, r)
            n = r.body["ticket"]["number"]
            self.numbers.append(n)
            body, ctype = multipart({"body": "the trace you asked for"},
                                    [("trace.txt", b"trace\n" * 300)])
            r = self.a.post("/api/tickets/%s/messages" % n, raw=body,
                            content_type=ctype)
            self.assertEqual(r.status, 201, r)
            note = "internal: NOTE-%s" % os.urandom(6).hex()
            self.notes.append(note)
            body, ctype = multipart({"body": note, "internal": "true"},
                                    [("note-only.txt", b"staff eyes\n")])
            r = self.a.post("/api/tickets/%s/messages" % n, raw=body,
                            content_type=ctype)
            self.assertEqual(r.status, 201, r)
            r = client.post("/api/tickets/%s/messages" % n,
                            {"body": "thanks, r\u00e9sum\u00e9 attached"})
            self.assertEqual(r.status, 201, r)
        r = self.x.post("/api/tickets", ticket_body(subject="other-acct"))
        self.assertEqual(r.status, 201, r)
        self.other_number = r.body["ticket"]["number"]

    def export(self, to, check=True):
        return tix_admin("account", "export", "--account", self.account,
                         "--to", to, check=check)

    def test_export_matches_the_api(self):
        to = os.path.join(self.dir, "export")
        p = self.export(to)
        self.assertIn("exported account %s" % self.account, p.stdout)
        self.assertEqual(stat.S_IMODE(os.stat(to).st_mode), 0o700)
        data = json.load(open(os.path.join(to, "account.json")))
        self.assertEqual(data["account"]["name"], self.account)
        emails = sorted(u["email"] for u in data["users"])
        self.assertEqual(emails, sorted([self.cust.email, self.same.email]))
        text = open(os.path.join(to, "account.json")).read()
        for secret in ("password", "$argon2", "totp_secret", "token"):
            self.assertNotIn(secret, text)
        # Internal notes, and the files on them, are left out.
        for note in self.notes:
            self.assertNotIn(note.split(":")[1].strip(), text)
        self.assertNotIn("note-only.txt", text)
        self.assertNotIn("other-acct", text)
        self.assertNotIn(self.other_number, text)

        tickets = {t["number"]: t for t in data["tickets"]}
        self.assertEqual(sorted(tickets), sorted(self.numbers))
        exported = set()
        for n in self.numbers:
            d = self.c.get("/api/tickets/" + n)
            if d.status == 404:
                d = self.s.get("/api/tickets/" + n)
            self.assertEqual(d.status, 200, d)
            api, ex = d.body["ticket"], tickets[n]
            for k in ("subject", "description", "status", "priority",
                      "category"):
                self.assertEqual(ex[k], api[k], k)
            self.assertEqual(
                [(e["id"], e["type"], e.get("body"), e["at"])
                 for e in ex["timeline"]],
                [(e["id"], e["type"], e.get("body"), e["at"])
                 for e in api["timeline"]])
            self.assertNotIn("note", [e["type"] for e in ex["timeline"]])
            ex_files = {a["id"]: a for e in ex["timeline"]
                        for a in e["attachments"]}
            self.assertEqual(sorted(ex_files),
                             sorted(a["id"] for a in api["attachments"]))
            for att in api["attachments"]:
                f = self.a.get(att["url"])
                self.assertEqual(f.status, 200, f)
                meta = ex_files[att["id"]]
                self.assertEqual(meta["filename"], att["filename"])
                path = os.path.join(to, meta["file"])
                self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o600)
                self.assertEqual(open(path, "rb").read(), f.raw)
                self.assertEqual(meta["sha256"],
                                 hashlib.sha256(f.raw).hexdigest())
                exported.add(meta["file"])
        self.assertEqual(len(exported), 5)
        # The long name: files/ID only, the name in account.json.
        self.assertEqual(len([x for x in exported if "-" not in x]), 1,
                         exported)
        self.assertEqual(sorted("files/" + x for x in
                                os.listdir(os.path.join(to, "files"))),
                         sorted(exported))
        names = sorted(line.split("  ", 1)[1] for line in
                       open(os.path.join(to, "MANIFEST")).read()
                       .splitlines())
        self.assertEqual(names, sorted(["account.json"] + list(exported)))
        subprocess.run(["sha256sum", "--quiet", "-c", "MANIFEST"], cwd=to,
                       check=True)

    def test_existing_dir_refused_and_nothing_left(self):
        to = os.path.join(self.dir, "full")
        os.mkdir(to)
        open(os.path.join(to, "keep"), "w").write("mine")
        p = self.export(to, check=False)
        self.assertEqual(p.returncode, 1, p)
        self.assertIn("not an empty directory", p.stderr)
        self.assertEqual(os.listdir(to), ["keep"])
        # An unknown account: nothing at all is left beside it.
        p = tix_admin("account", "export", "--account", "no-such-" +
                      self.account, "--to", os.path.join(self.dir, "n"),
                      check=False)
        self.assertEqual(p.returncode, 1, p)
        self.assertIn("no such account", p.stderr)
        self.assertEqual(sorted(os.listdir(self.dir)), ["full"])

    def test_damaged_file_fails_the_export(self):
        # One byte of the big log's second chunk flipped: the first
        # chunk is written out before the second fails.
        subprocess.run(["psql", os.environ["TIX_DATABASE_URL"], "-X", "-q",
                        "-v", "ON_ERROR_STOP=1", "-c",
                        "UPDATE attachment_chunks SET data = set_byte(data,"
                        " 40, get_byte(data, 40) # 1) WHERE attachment_id ="
                        " (SELECT min(x.id) FROM attachments x JOIN users u"
                        " ON u.id = x.uploader_id WHERE u.email = '%s')"
                        " AND seq = 1" % self.same.email],
                       check=True, capture_output=True, timeout=60)
        to = os.path.join(self.dir, "damaged")
        p = self.export(to, check=False)
        self.assertEqual(p.returncode, 1, p)
        self.assertIn("does not decrypt or its SHA-256 differs", p.stderr)
        self.assertEqual(os.listdir(self.dir), [])

    def test_delete(self):
        p = tix_admin("account", "delete", "--account", self.account,
                      check=False)
        self.assertEqual(p.returncode, 1, p)
        self.assertIn("would delete account %s: 2 user(s), 2 ticket(s)"
                      % self.account, p.stdout)
        self.assertIn("nothing was changed", p.stdout)
        for n in self.numbers:
            self.assertEqual(self.a.get("/api/tickets/" + n).status, 200)
        self.assertEqual(self.c.get("/api/me").status, 200)

        p = tix_admin("account", "delete", "--account", self.account,
                      "--yes")
        self.assertIn("deleted account %s: 2 user(s), 2 ticket(s)"
                      % self.account, p.stdout)
        self.assertIn("account %s deleted: 2 user(s)" % self.account,
                      p.stderr)
        for note in self.notes:
            self.assertNotIn(note, p.stdout + p.stderr)
        for n in self.numbers:
            self.assertEqual(self.a.get("/api/tickets/" + n).status, 404)
        # Their sessions are gone, and they cannot log in again.
        self.assertEqual(self.c.get("/api/me").status, 401)
        for u in (self.cust, self.same):
            r = Client().login(u.email, u.password, check=False)
            self.assertEqual(r.status, 401, r)
        self.assertEqual(psql_int(
            "SELECT count(*) FROM accounts WHERE name = :'p1'",
            self.account), 0)
        self.assertEqual(psql_int(
            "SELECT count(*) FROM attachments a JOIN users u"
            " ON u.id = a.uploader_id WHERE u.email = :'p1'",
            self.cust.email), 0)
        # Their security events stay, no longer linked to a user.
        self.assertGreater(psql_int(
            "SELECT count(*) FROM security_events WHERE email = :'p1'"
            " AND user_id IS NULL", self.cust.email), 0)
        # Other accounts are untouched.
        self.assertEqual(self.x.get("/api/tickets/" +
                                    self.other_number).status, 200)
        self.assertEqual(self.a.get("/api/tickets/" +
                                    self.other_number).status, 200)
        self.assertEqual(self.a.get("/api/me").status, 200)
        p = tix_admin("account", "delete", "--account", self.account,
                      "--yes", check=False)
        self.assertEqual(p.returncode, 1, p)
        self.assertIn("no such account", p.stderr)

    def test_delete_refused_for_a_user_named_elsewhere(self):
        # The agent wrote on this account's tickets and on none of its
        # own account's: the agent's account cannot go, whole.
        p = tix_admin("account", "delete", "--account", self.agent.account,
                      "--yes", check=False)
        self.assertEqual(p.returncode, 1, p)
        self.assertIn("was not deleted", p.stderr)
        self.assertEqual(self.a.get("/api/me").status, 200)
        for n in self.numbers:
            self.assertEqual(self.a.get("/api/tickets/" + n).status, 200)
