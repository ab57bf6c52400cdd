"""GET and PUT /api/me/preferences."""

import unittest

from tixclient import (ApiTestCase, Client, DEFAULT_PREFERENCES, login,
                       make_user, psql_rows)

PATH = "/api/me/preferences"


def stored(email):
    rows = psql_rows(
        "SELECT email_on_reply, email_on_status, email_on_assigned,"
        " coalesce(sms_number, '<null>'), sms_enabled FROM users"
        " WHERE email = :'p1'", email)
    return rows[0]


class PreferencesTest(ApiTestCase):

    def fresh(self):
        user = make_user("customer")
        return user, login(user)

    def test_defaults(self):
        user, c = self.fresh()
        r = c.get(PATH)
        body = self.assertJson(r, 200)
        self.assertSecurityHeaders(r)
        self.assertEqual(body, {"preferences": DEFAULT_PREFERENCES})

    def test_put_full(self):
        user, c = self.fresh()
        p = {"email_on_reply": False, "email_on_status": False,
             "email_on_assigned": False, "sms_number": "+15551234567",
             "sms_enabled": True}
        r = c.put(PATH, p)
        self.assertEqual(self.assertJson(r, 200), {"preferences": p})
        self.assertEqual(c.get(PATH).body, {"preferences": p})
        self.assertEqual(stored(user.email),
                         ["f", "f", "f", "+15551234567", "t"])
        # And back.
        r = c.put(PATH, DEFAULT_PREFERENCES)
        self.assertEqual(self.assertJson(r, 200),
                         {"preferences": DEFAULT_PREFERENCES})
        self.assertEqual(c.get(PATH).body,
                         {"preferences": DEFAULT_PREFERENCES})

    def test_put_partial_keeps_other_values(self):
        user, c = self.fresh()
        r = c.put(PATH, {"email_on_reply": False})
        expected = dict(DEFAULT_PREFERENCES, email_on_reply=False)
        self.assertEqual(self.assertJson(r, 200), {"preferences": expected})
        r = c.put(PATH, {"sms_number": "+491701234567"})
        expected["sms_number"] = "+491701234567"
        self.assertEqual(self.assertJson(r, 200), {"preferences": expected})
        r = c.put(PATH, {"sms_enabled": True})
        expected["sms_enabled"] = True
        self.assertEqual(self.assertJson(r, 200), {"preferences": expected})
        r = c.put(PATH, {})
        self.assertEqual(self.assertJson(r, 200), {"preferences": expected})
        self.assertEqual(c.get(PATH).body, {"preferences": expected})
        r = c.put(PATH, {"sms_enabled": False, "sms_number": None})
        expected.update(sms_enabled=False, sms_number=None)
        self.assertEqual(self.assertJson(r, 200), {"preferences": expected})

    def test_unknown_fields_ignored(self):
        user, c = self.fresh()
        r = c.put(PATH, {"email_on_assigned": False, "role": "admin",
                         "colour": "blue"})
        expected = dict(DEFAULT_PREFERENCES, email_on_assigned=False)
        self.assertEqual(self.assertJson(r, 200), {"preferences": expected})
        me = c.get("/api/auth/me").body
        self.assertEqual(me["user"]["role"], "customer")

    def test_phone_numbers(self):
        user, c = self.fresh()
        for good in ("+1234567", "+123456789012345", "+15551234567",
                     "+442071838750"):
            with self.subTest(number=good):
                r = c.put(PATH, {"sms_number": good})
                self.assertEqual(self.assertJson(r, 200)["preferences"]
                                 ["sms_number"], good)
        c.put(PATH, {"sms_number": "+15551234567"})
        before = stored(user.email)
        for bad in ("15551234567", "+0123456789", "+123456",
                    "+1234567890123456", "+1 555 123 4567", "+1-555-1234567",
                    "", "+", "++15551234567", "+1555123456a", " +15551234567",
                    "+15551234567\n", "\uff0b15551234567",
                    "+\u0661\u0662\u0663\u0664\u0665\u0666\u0667"):
            with self.subTest(number=bad):
                r = c.put(PATH, {"sms_number": bad, "sms_enabled": True})
                self.assertError(r, 422, "validation_failed",
                                 fields=["sms_number"])
        self.assertEqual(stored(user.email), before)
        self.assertEqual(c.get(PATH).body["preferences"]["sms_number"],
                         "+15551234567")

    def test_sms_enabled_needs_number(self):
        user, c = self.fresh()
        before = stored(user.email)
        r = c.put(PATH, {"sms_enabled": True})
        self.assertError(r, 422, "validation_failed")
        r = c.put(PATH, {"sms_enabled": True, "sms_number": None})
        self.assertError(r, 422, "validation_failed")
        self.assertEqual(stored(user.email), before)
        # Enabled with a number; then removing the number alone would
        # leave SMS enabled without one.
        r = c.put(PATH, {"sms_enabled": True, "sms_number": "+15551234567"})
        self.assertStatus(r, 200)
        before = stored(user.email)
        r = c.put(PATH, {"sms_number": None})
        self.assertError(r, 422, "validation_failed")
        self.assertEqual(stored(user.email), before)

    def test_wrong_types_400(self):
        user, c = self.fresh()
        before = stored(user.email)
        for body in ({"email_on_reply": "yes"}, {"email_on_reply": 0},
                     {"email_on_status": None}, {"email_on_assigned": "true"},
                     {"sms_enabled": 1}, {"sms_number": 15551234567},
                     {"sms_number": ["+15551234567"]},
                     {"email_on_reply": False, "sms_enabled": "false"}):
            with self.subTest(body=body):
                r = c.put(PATH, body)
                self.assertError(r, 400, "bad_request")
        for raw in (b"[]", b'"x"', b"null", b'{"email_on_reply": fals}',
                    b'{"email_on_reply":false,"email_on_reply":true}'):
            with self.subTest(raw=raw):
                r = c.put(PATH, raw=raw)
                self.assertError(r, 400, "bad_request")
        self.assertEqual(stored(user.email), before)

    def test_per_user(self):
        a, ca = self.fresh()
        b, cb = self.fresh()
        self.assertStatus(ca.put(PATH, {"email_on_reply": False}), 200)
        self.assertEqual(cb.get(PATH).body,
                         {"preferences": DEFAULT_PREFERENCES})

    def test_unauthenticated(self):
        self.assertError(Client().get(PATH), 401, "unauthenticated")
        self.assertError(Client().put(PATH, {"email_on_reply": False}), 401,
                         "unauthenticated")

    def test_wrong_method(self):
        user, c = self.fresh()
        for m in ("POST", "DELETE", "PATCH"):
            with self.subTest(method=m):
                r = c.request(m, PATH, {"email_on_reply": False})
                self.assertError(r, 405, "method_not_allowed")
        self.assertEqual(stored(user.email)[0], "t")


if __name__ == "__main__":
    unittest.main()
