"""GET /api/users?role=agent: the assignable agents."""

import unittest

from tixclient import (ApiTestCase, Client, disable_user, login, make_user,
                       new_account_name)


class UsersTest(ApiTestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        staff = new_account_name()
        cls.agent = make_user("agent", account=staff)
        cls.admin = make_user("admin", account=staff)
        cls.gone = make_user("agent", account=staff)
        cls.customer = make_user("customer")
        disable_user(cls.gone.email)
        cls.ca = login(cls.agent)
        cls.cadmin = login(cls.admin)
        cls.cc = login(cls.customer)

    def check_list(self, c):
        r = c.get("/api/users?role=agent")
        body = self.assertJson(r, 200)
        self.assertSecurityHeaders(r)
        users = body["users"]
        self.assertIsInstance(users, list)
        by_email = {}
        for u in users:
            self.assertLessEqual({"id", "name", "email", "role"}, set(u), u)
            self.assertNotIn("password_hash", u)
            self.assertNotIn("password", u)
            self.assertIn(u["role"], ("agent", "admin"), u)
            by_email[u["email"]] = u
        for info in (self.agent, self.admin):
            self.assertIn(info.email, by_email)
            u = by_email[info.email]
            self.assertEqual(u["id"], info.id)
            self.assertEqual(u["name"], info.name)
            self.assertEqual(u["role"], info.role)
        self.assertNotIn(self.customer.email, by_email)
        self.assertNotIn(self.gone.email, by_email)
        self.assertNotIn(b"password", r.raw.lower())

    def test_agent_lists_agents(self):
        self.check_list(self.ca)

    def test_admin_lists_agents(self):
        self.check_list(self.cadmin)

    def test_bearer_token(self):
        _, token = self.ca.new_token()
        self.check_list(Client(token=token))

    def test_customer_forbidden(self):
        r = self.cc.get("/api/users?role=agent")
        self.assertError(r, 403, "forbidden")
        self.assertNotIn(self.agent.email.encode(), r.raw)

    def test_unauthenticated(self):
        r = Client().get("/api/users?role=agent")
        self.assertError(r, 401, "unauthenticated")

    def test_bad_role_values(self):
        for q in ("role=customer", "role=admin2", "role=AGENT", "role=",
                  "role=agent&role=agent", "role=agent%00",
                  "role[]=agent"):
            with self.subTest(query=q):
                r = self.ca.get("/api/users?" + q)
                self.assertError(r, 400, "bad_request")
                self.assertNotIn(self.customer.email.encode(), r.raw)


if __name__ == "__main__":
    unittest.main()
