"""Licenses: tix-admin license add / activation add, and the "license"
object of a ticket's detail (who may see which key)."""

import datetime
import unittest

from tixclient import (login, make_user, new_account_name, parse_time, psql,
                       psql_int, tix_admin)
from tixflow import FlowCase, new_license_key

LICENSE_KEYS = {"key", "product", "status", "expires_at", "activations_used",
                "activations_max", "activations"}


def add_license(key, account, product, *extra, check=True):
    return tix_admin("license", "add", "--key", key, "--account", account,
                     "--product", product, *extra, check=check)


def add_activation(key, machine, check=True):
    return tix_admin("activation", "add", "--key", key, "--machine", machine,
                     check=check)


def count_licenses():
    return psql_int("SELECT count(*) FROM licenses")


def count_activations(key=None):
    if key is None:
        return psql_int("SELECT count(*) FROM activations")
    return psql_int("SELECT count(*) FROM activations a JOIN licenses l"
                    " ON l.id = a.license_id WHERE l.key = :'p1'", key)


class AdminLicenseTest(FlowCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cust = make_user("customer")

    def assertFails(self, p, code=1):
        self.assertEqual(p.returncode, code, p.stdout + p.stderr)
        self.assertTrue(p.stderr.strip(), "no message on stderr")

    def test_add_license(self):
        key = new_license_key()
        before = count_licenses()
        p = add_license(key, self.cust.account, "Tix Pro",
                        "--max-activations", "3", "--expires", "2030-06-30",
                        check=False)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertEqual(count_licenses(), before + 1)
        row = psql("SELECT l.product, l.activations_max, a.name, l.status"
                   " FROM licenses l JOIN accounts a ON a.id = l.account_id"
                   " WHERE l.key = :'p1'", key)
        self.assertEqual(row, "Tix Pro|3|%s|active" % self.cust.account)
        # Defaults: no expiry.
        key2 = new_license_key()
        add_license(key2, self.cust.account, "Tix Basic")
        self.assertEqual(psql("SELECT coalesce(expires_at::text, 'none')"
                              " FROM licenses WHERE key = :'p1'", key2),
                         "none")

    def test_add_license_rejections(self):
        key = new_license_key()
        add_license(key, self.cust.account, "Tix Pro")
        cases = [
            ("unknown account", [new_license_key(), new_account_name(),
                                 "Tix"]),
            ("duplicate key", [key, self.cust.account, "Tix"]),
            ("lower-case key", [new_license_key().lower(),
                                self.cust.account, "Tix"]),
            ("short key", ["ABCDE-FGHIJ-KLMNO-1234", self.cust.account,
                           "Tix"]),
            ("no dashes", [new_license_key().replace("-", ""),
                           self.cust.account, "Tix"]),
            ("bad char", ["ABCDE-FGHIJ-KLMNO-1234!", self.cust.account,
                          "Tix"]),
        ]
        for what, args in cases:
            with self.subTest(what=what):
                before = count_licenses()
                p = add_license(*args, check=False)
                self.assertFails(p)
                self.assertEqual(count_licenses(), before)

    def test_activations(self):
        key = new_license_key()
        add_license(key, self.cust.account, "Tix Pro",
                    "--max-activations", "2")
        for m in ("host-a", "host-b"):
            p = add_activation(key, m, check=False)
            self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertEqual(count_activations(key), 2)
        p = add_activation(key, "host-c", check=False)
        self.assertFails(p)
        self.assertEqual(count_activations(key), 2)

    def test_activation_unknown_key(self):
        before = count_activations()
        p = add_activation(new_license_key(), "host-x", check=False)
        self.assertFails(p)
        self.assertEqual(count_activations(), before)


class TicketLicenseTest(FlowCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        acct = new_account_name()
        cls.cust = make_user("customer", account=acct)
        cls.colleague = make_user("customer", account=acct)
        cls.stranger = make_user("customer")
        cls.agent = make_user("agent")
        cls.c = login(cls.cust)
        cls.k = login(cls.colleague)
        cls.x = login(cls.stranger)
        cls.a = login(cls.agent)
        # The customer's account: 5 activations, 3 made, 1 of them ended.
        cls.key = new_license_key()
        cls.product = "Tix Enterprise " + acct
        add_license(cls.key, acct, cls.product, "--max-activations", "5")
        for m in ("build-01", "build-02", "laptop-07"):
            add_activation(cls.key, m)
        psql("UPDATE activations SET deactivated_at = now()"
             " WHERE machine = 'laptop-07' AND license_id ="
             " (SELECT id FROM licenses WHERE key = :'p1')", cls.key)
        # Expired and future-dated licenses of the same account.
        cls.expired = new_license_key()
        add_license(cls.expired, acct, "Tix Old", "--expires", "2020-01-31")
        cls.future = new_license_key()
        add_license(cls.future, acct, "Tix Next", "--expires", "2099-12-31",
                    "--max-activations", "2")
        # A key of another account.
        cls.foreign = new_license_key()
        cls.foreign_product = "Foreign Product " + acct
        add_license(cls.foreign, cls.stranger.account, cls.foreign_product)
        add_activation(cls.foreign, "foreign-host-99")

    def license_of(self, client, number):
        t = self.detail(client, number)
        return t["license"]

    def assertLicense(self, lic, key, product):
        self.assertIsInstance(lic, dict)
        self.assertEqual(set(lic), LICENSE_KEYS, lic)
        self.assertEqual(lic["key"], key)
        self.assertEqual(lic["product"], product)
        self.assertIn(lic["status"], ("active", "expired", "revoked",
                                      "suspended"))
        if lic["expires_at"] is not None:
            self.assertTime(lic["expires_at"])
        self.assertIsInstance(lic["activations"], list)
        for a in lic["activations"]:
            self.assertEqual(set(a), {"machine", "activated_at",
                                      "deactivated_at"}, a)
            self.assertTime(a["activated_at"])
            if a["deactivated_at"] is not None:
                self.assertTime(a["deactivated_at"])

    def test_license_key_field(self):
        n = self.new_ticket(self.c, license_key=self.key, category="license")
        for client in (self.c, self.a):
            lic = self.license_of(client, n)
            self.assertLicense(lic, self.key, self.product)
            self.assertEqual(lic["status"], "active")
            self.assertIsNone(lic["expires_at"])
            self.assertEqual(lic["activations_max"], 5)
            self.assertEqual(lic["activations_used"], 2)
            acts = {a["machine"]: a for a in lic["activations"]}
            self.assertEqual(set(acts), {"build-01", "build-02",
                                         "laptop-07"})
            self.assertIsNone(acts["build-01"]["deactivated_at"])
            self.assertIsNone(acts["build-02"]["deactivated_at"])
            self.assertIsNotNone(acts["laptop-07"]["deactivated_at"])

    def test_create_answer_has_license(self):
        r = self.c.post("/api/tickets", {
            "subject": "Activation problem", "description": "See key",
            "category": "license", "license_key": self.key})
        t = self.assertJson(r, 201)["ticket"]
        self.assertLicense(t["license"], self.key, self.product)

    def test_key_in_subject_or_description(self):
        for fields in ({"subject": "Key %s will not activate" % self.key},
                       {"description": "My key is %s.\nThanks" % self.key}):
            with self.subTest(fields=list(fields)):
                n = self.new_ticket(self.c, **fields)
                for client in (self.c, self.a):
                    lic = self.license_of(client, n)
                    self.assertLicense(lic, self.key, self.product)
                    self.assertEqual(lic["activations_used"], 2)

    def test_colleague_in_same_account_sees_it(self):
        n = self.new_ticket(self.k, license_key=self.key)
        self.assertLicense(self.license_of(self.k, n), self.key,
                           self.product)

    def test_expired_and_future(self):
        n = self.new_ticket(self.c, license_key=self.expired)
        lic = self.license_of(self.c, n)
        self.assertLicense(lic, self.expired, "Tix Old")
        self.assertEqual(lic["status"], "expired")
        self.assertLess(parse_time(lic["expires_at"]),
                        datetime.datetime(2020, 2, 2,
                                          tzinfo=datetime.timezone.utc))
        self.assertGreater(parse_time(lic["expires_at"]),
                           datetime.datetime(2020, 1, 29,
                                             tzinfo=datetime.timezone.utc))
        self.assertEqual(lic["activations_used"], 0)
        self.assertEqual(lic["activations"], [])
        n = self.new_ticket(self.c, license_key=self.future)
        lic = self.license_of(self.c, n)
        self.assertEqual(lic["status"], "active")
        self.assertTrue(lic["expires_at"].startswith(("2099-12-3",
                                                      "2100-01-01")))
        self.assertEqual(lic["activations_max"], 2)
        self.assertEqual(lic["activations_used"], 0)

    def test_status_follows_expiry(self):
        key = new_license_key()
        add_license(key, self.cust.account, "Tix Soon",
                    "--expires", "2099-01-01")
        n = self.new_ticket(self.c, license_key=key)
        self.assertEqual(self.license_of(self.c, n)["status"], "active")
        psql("UPDATE licenses SET expires_at = now() - interval '1 minute'"
             " WHERE key = :'p1'", key)
        self.assertEqual(self.license_of(self.c, n)["status"], "expired")
        self.assertEqual(self.license_of(self.a, n)["status"], "expired")

    def test_stored_status(self):
        for status in ("revoked", "suspended", "active"):
            with self.subTest(status=status):
                key = new_license_key()
                add_license(key, self.cust.account, "Tix " + status)
                psql("UPDATE licenses SET status = :'p2'::license_status"
                     " WHERE key = :'p1'", key, status)
                n = self.new_ticket(self.c, license_key=key)
                for client in (self.c, self.a):
                    lic = self.license_of(client, n)
                    self.assertLicense(lic, key, "Tix " + status)
                    self.assertEqual(lic["status"], status)

    def test_activations_used_counts_active_only(self):
        key = new_license_key()
        add_license(key, self.cust.account, "Tix Count",
                    "--max-activations", "4")
        n = self.new_ticket(self.c, license_key=key)
        self.assertEqual(self.license_of(self.c, n)["activations_used"], 0)
        for i in range(3):
            add_activation(key, "m-%d" % i)
        lic = self.license_of(self.c, n)
        self.assertEqual(lic["activations_used"], 3)
        self.assertEqual(len(lic["activations"]), 3)
        psql("UPDATE activations SET deactivated_at = now()"
             " WHERE machine IN ('m-0', 'm-2') AND license_id ="
             " (SELECT id FROM licenses WHERE key = :'p1')", key)
        lic = self.license_of(self.a, n)
        self.assertEqual(lic["activations_used"], 1)
        self.assertEqual(len(lic["activations"]), 3)
        self.assertEqual(lic["activations_max"], 4)

    def test_other_accounts_key_hidden_from_customer(self):
        theirs = self.new_ticket(self.c, license_key=self.foreign)
        unknown_key = new_license_key()
        unknown = self.new_ticket(self.c, license_key=unknown_key)
        r1 = self.c.get("/api/tickets/" + theirs)
        r2 = self.c.get("/api/tickets/" + unknown)
        t1 = self.assertJson(r1, 200)["ticket"]
        t2 = self.assertJson(r2, 200)["ticket"]
        self.assertIsNone(t1["license"])
        self.assertIsNone(t2["license"])
        self.assertEqual(set(t1), set(t2))
        for leak in (self.foreign_product, "foreign-host-99"):
            self.assertNotIn(leak.encode(), r1.raw)
        # The ticket still carries the key the customer typed.
        self.assertEqual(t1["license_key"], self.foreign)
        self.assertEqual(t2["license_key"], unknown_key)
        # The agent sees the other account's license on the same ticket.
        lic = self.license_of(self.a, theirs)
        self.assertLicense(lic, self.foreign, self.foreign_product)
        self.assertEqual(lic["activations_used"], 1)
        self.assertIsNone(self.license_of(self.a, unknown))

    def test_foreign_key_in_text_hidden(self):
        n = self.new_ticket(self.c, description="Try %s" % self.foreign)
        r = self.c.get("/api/tickets/" + n)
        self.assertIsNone(self.assertJson(r, 200)["ticket"]["license"])
        self.assertNotIn(self.foreign_product.encode(), r.raw)
        self.assertLicense(self.license_of(self.a, n), self.foreign,
                           self.foreign_product)

    def test_owner_of_foreign_key_sees_it(self):
        n = self.new_ticket(self.x, license_key=self.foreign)
        self.assertLicense(self.license_of(self.x, n), self.foreign,
                           self.foreign_product)
        # And not the first customer's key.
        m = self.new_ticket(self.x, license_key=self.key)
        self.assertIsNone(self.license_of(self.x, m))

    def test_first_visible_key_wins(self):
        # The license_key field names the other account's key, the
        # description the customer's own: the customer sees their own.
        n = self.new_ticket(self.c, license_key=self.foreign,
                            description="Also tried %s" % self.key)
        self.assertLicense(self.license_of(self.c, n), self.key,
                           self.product)
        # The agent may see both: the license_key field comes first.
        self.assertLicense(self.license_of(self.a, n), self.foreign,
                           self.foreign_product)
        # Subject before description.
        m = self.new_ticket(self.c, subject="Key %s" % self.future,
                            description="and %s" % self.key)
        self.assertLicense(self.license_of(self.c, m), self.future,
                           "Tix Next")

    def test_key_inside_a_longer_word_is_no_key(self):
        for text in ("X" + self.key, self.key + "9",
                     "A-" + self.key + "-B"):
            with self.subTest(text=text):
                n = self.new_ticket(self.c, description="code %s here" % text)
                self.assertIsNone(self.license_of(self.c, n))
                self.assertIsNone(self.license_of(self.a, n))

    def test_no_key_no_license(self):
        n = self.new_ticket(self.c, subject="nothing", description="here")
        self.assertIsNone(self.license_of(self.c, n))
        self.assertIsNone(self.license_of(self.a, n))
        # A lower-case key is no key.
        n = self.new_ticket(self.c, description=self.key.lower())
        self.assertIsNone(self.license_of(self.c, n))


if __name__ == "__main__":
    unittest.main()
