"""GET /api/health."""

import unittest

from tixclient import ApiTestCase, Client, login, make_user


class HealthTest(ApiTestCase):

    def test_health_without_login(self):
        r = Client().get("/api/health")
        self.assertEqual(self.assertJson(r, 200),
                         {"status": "ok", "database": "ok"})
        self.assertSecurityHeaders(r)
        self.assertEqual(r.set_cookies, [])

    def test_health_logged_in(self):
        c = login(make_user("customer"))
        r = c.get("/api/health")
        self.assertEqual(self.assertJson(r, 200),
                         {"status": "ok", "database": "ok"})

    def test_health_ignores_query_and_bad_credentials(self):
        r = Client(token="bogus").get("/api/health")
        self.assertIn(r.status, (200, 401), r)
        if r.status == 401:
            self.assertError(r, 401, "unauthenticated")
        r = Client().get("/api/health?verbose=1")
        self.assertIn(r.status, (200, 400), r)


if __name__ == "__main__":
    unittest.main()
