"""PATCH /api/tickets/{number}: status, priority, category and assignee;
who may change what, the timeline entries it leaves, and the SLA due
time a priority change recomputes."""

import unittest

from tixclient import (cast, Client, disable_user, login, make_user,
                       parse_time, ticket_row)
from tixflow import (CATEGORIES, FlowCase, PRIORITIES, db_entries,
                     set_created, set_status, tpath)


class PatchCase(FlowCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cast(cls, admin=True)
        cls.agent2 = make_user("agent")
        cls.a2 = login(cls.agent2)
        cls.gone = make_user("agent")
        disable_user(cls.gone.email)

    def new(self, **fields):
        return self.new_ticket(self.c, **fields)

    def patch(self, client, number, body):
        r = client.patch(tpath(number), body)
        data = self.assertJson(r, 200)
        self.assertEqual(set(data), {"ticket"}, data)
        t = data["ticket"]
        self.assertDetail(t)
        self.assertEqual(t["number"], number)
        self.assertOrdered(t["timeline"])
        return t

    def rejected(self, client, number, body, status, code, fields=None):
        with self.nothing_written(number):
            r = client.patch(tpath(number), body)
            err = self.assertError(r, status, code, fields)
        return r, err

    def new_entries(self, before, t):
        """Timeline entries of detail t that were not in detail before."""
        old = {e["id"] for e in before["timeline"]}
        return [e for e in t["timeline"] if e["id"] not in old]


class AgentPatchTest(PatchCase):

    def test_status_walk_and_timestamps(self):
        n = self.new()
        t0 = self.detail(self.a, n)
        steps = [("open", "in_progress"), ("in_progress", "waiting"),
                 ("waiting", "resolved"), ("resolved", "open"),
                 ("open", "resolved"), ("resolved", "in_progress"),
                 ("in_progress", "resolved"), ("resolved", "waiting"),
                 ("waiting", "closed")]
        prev = t0
        for frm, to in steps:
            with self.subTest(frm=frm, to=to):
                t = self.patch(self.a, n, {"status": to})
                self.assertEqual(t["status"], to)
                new = self.new_entries(prev, t)
                self.assertEqual(len(new), 1, new)
                e = new[0]
                self.assertEqual(e["type"], "status_changed")
                self.assertEqual((e["from"], e["to"]), (frm, to))
                self.assertActor(e, self.agent)
                if to == "resolved":
                    self.assertIsNotNone(t["resolved_at"])
                    self.assertTime(t["resolved_at"])
                elif to in ("open", "in_progress", "waiting"):
                    self.assertIsNone(t["resolved_at"],
                                      "resolved_at kept after %s" % to)
                if to == "closed":
                    self.assertIsNotNone(t["closed_at"])
                    self.assertTime(t["closed_at"])
                else:
                    self.assertIsNone(t["closed_at"])
                self.assertEqual(ticket_row(n, "status")[0], to)
                prev = t
        # The customer sees the same entries, in the same order.
        tc = self.detail(self.c, n)
        got = [(e["from"], e["to"]) for e in tc["timeline"]
               if e["type"] == "status_changed"]
        self.assertEqual(got, steps)
        self.assertOrdered(tc["timeline"])
        self.assertEqual(tc["status"], "closed")

    def test_priority_changes(self):
        n = self.new()
        prev = self.detail(self.a, n)
        cur = "normal"
        for p in ("high", "critical", "low", "normal"):
            with self.subTest(priority=p):
                t = self.patch(self.a, n, {"priority": p})
                self.assertEqual(t["priority"], p)
                new = self.new_entries(prev, t)
                self.assertEqual([e["type"] for e in new],
                                 ["priority_changed"])
                self.assertEqual((new[0]["from"], new[0]["to"]), (cur, p))
                self.assertActor(new[0], self.agent)
                self.assertEqual(t["status"], "open")
                cur, prev = p, t

    def test_category_changes(self):
        n = self.new(category="general")
        prev = self.detail(self.a, n)
        cur = "general"
        for cat in ("billing", "license", "technical", "general"):
            with self.subTest(category=cat):
                t = self.patch(self.ad, n, {"category": cat})
                self.assertEqual(t["category"], cat)
                new = self.new_entries(prev, t)
                self.assertEqual([e["type"] for e in new],
                                 ["category_changed"])
                self.assertEqual((new[0]["from"], new[0]["to"]), (cur, cat))
                self.assertActor(new[0], self.admin)
                cur, prev = cat, t

    def test_assign_reassign_unassign(self):
        n = self.new()
        prev = self.detail(self.a, n)
        self.assertIsNone(prev["assignee"])
        steps = [(self.agent.id, None, self.agent.name),
                 (self.admin.id, self.agent.name, self.admin.name),
                 (None, self.admin.name, None)]
        for aid, frm, to in steps:
            with self.subTest(assignee=aid):
                t = self.patch(self.a2, n, {"assignee_id": aid})
                if aid is None:
                    self.assertIsNone(t["assignee"])
                    self.assertEqual(
                        ticket_row(n, "coalesce(assignee_id::text, '-')")[0],
                        "-")
                else:
                    self.assertEqual(t["assignee"]["id"], aid)
                    self.assertEqual(t["assignee"]["name"], to)
                    self.assertEqual(ticket_row(n, "assignee_id")[0],
                                     str(aid))
                new = self.new_entries(prev, t)
                self.assertEqual([e["type"] for e in new], ["assigned"])
                self.assertIn("from", new[0])
                self.assertIn("to", new[0])
                self.assertEqual((new[0]["from"], new[0]["to"]), (frm, to))
                self.assertActor(new[0], self.agent2)
                prev = t
        # The assignee shows in the list summary too.
        self.patch(self.a, n, {"assignee_id": self.agent2.id})
        r = self.c.get("/api/tickets", query={"q": n})
        rows = self.assertJson(r, 200)["tickets"]
        self.assertEqual([x["number"] for x in rows], [n])
        self.assertEqual(rows[0]["assignee"]["id"], self.agent2.id)
        self.assertEqual(rows[0]["assignee"]["name"], self.agent2.name)

    def test_several_fields_in_one_patch(self):
        n = self.new(category="general")
        prev = self.detail(self.a, n)
        t = self.patch(self.a, n, {"status": "in_progress",
                                   "priority": "high",
                                   "category": "billing",
                                   "assignee_id": self.agent.id})
        self.assertEqual((t["status"], t["priority"], t["category"]),
                         ("in_progress", "high", "billing"))
        self.assertEqual(t["assignee"]["id"], self.agent.id)
        new = self.new_entries(prev, t)
        got = {e["type"]: (e["from"], e["to"]) for e in new}
        self.assertEqual(got, {
            "status_changed": ("open", "in_progress"),
            "priority_changed": ("normal", "high"),
            "category_changed": ("general", "billing"),
            "assigned": (None, self.agent.name),
        })
        self.assertEqual(len(new), 4)
        for e in new:
            self.assertActor(e, self.agent)
        self.assertEqual(len(db_entries(n)), len(t["timeline"]))

    def test_same_value_changes_nothing(self):
        n = self.new(priority="high", category="billing")
        for body in ({"status": "open"}, {"priority": "high"},
                     {"category": "billing"}, {"assignee_id": None},
                     {"status": "open", "priority": "high",
                      "category": "billing", "assignee_id": None}):
            with self.subTest(body=body):
                with self.nothing_written(n):
                    t = self.patch(self.a, n, body)
                self.assertEqual(t["status"], "open")
                self.assertEqual(t["priority"], "high")
        self.patch(self.a, n, {"assignee_id": self.agent.id})
        with self.nothing_written(n):
            t = self.patch(self.a, n, {"assignee_id": self.agent.id})
        self.assertEqual(t["assignee"]["id"], self.agent.id)
        # Only the changed member of a mixed PATCH leaves an entry.
        prev = self.detail(self.a, n)
        t = self.patch(self.a, n, {"priority": "high", "status": "waiting"})
        new = self.new_entries(prev, t)
        self.assertEqual([(e["type"], e["from"], e["to"]) for e in new],
                         [("status_changed", "open", "waiting")])

    def test_bearer_token_is_via_api(self):
        _, token = self.a.new_token()
        n = self.new()
        prev = self.detail(self.a, n)
        t = self.patch(Client(token=token), n,
                       {"status": "in_progress", "priority": "low"})
        new = self.new_entries(prev, t)
        self.assertEqual(len(new), 2)
        for e in new:
            self.assertActor(e, self.agent, via="api")

    def test_bad_enums_422(self):
        n = self.new()
        for field, value in (("status", "reopened"), ("status", "OPEN"),
                             ("status", ""), ("priority", "urgent"),
                             ("priority", "Normal"),
                             ("category", "hardware"),
                             ("category", "")):
            with self.subTest(field=field, value=value):
                self.rejected(self.a, n, {field: value}, 422,
                              "validation_failed", fields=[field])

    def test_every_bad_field_named(self):
        n = self.new()
        self.rejected(self.a, n, {"status": "nope",
                                           "priority": "nope",
                                           "category": "nope"},
                      422, "validation_failed",
                      fields=["status", "priority", "category"])

    def test_all_or_nothing(self):
        n = self.new()
        # A valid change next to an invalid one: nothing is applied.
        for body in ({"priority": "high", "assignee_id": self.cust.id},
                     {"status": "resolved", "category": "hardware"},
                     {"category": "billing", "assignee_id": 99999999}):
            with self.subTest(body=body):
                self.rejected(self.a, n, body, 422, "validation_failed")
        t = self.detail(self.a, n)
        self.assertEqual((t["status"], t["priority"], t["category"]),
                         ("open", "normal", "general"))
        self.assertEqual([e["type"] for e in t["timeline"]], ["created"])

    def test_bad_assignees_422(self):
        n = self.new()
        for who, uid in (("customer", self.cust.id),
                         ("disabled agent", self.gone.id),
                         ("unknown", 99999999), ("zero", 0),
                         ("negative", -1)):
            with self.subTest(who=who):
                self.rejected(self.a, n, {"assignee_id": uid}, 422,
                              "validation_failed", fields=["assignee_id"])

    def test_wrong_types_400(self):
        n = self.new()
        for body in ({"assignee_id": str(self.agent.id)},
                     {"assignee_id": "7"}, {"assignee_id": 1.5},
                     {"assignee_id": True}, {"assignee_id": [1]},
                     {"status": 1}, {"priority": ["high"]},
                     {"category": {"x": 1}}):
            with self.subTest(body=body):
                self.rejected(self.a, n, body, 400, "bad_request")
        for raw in (b"[]", b'"status"', b'{"status":', b"",
                    b'{"status":"open","status":"closed"}'):
            with self.subTest(raw=raw):
                with self.nothing_written(n):
                    r = self.a.patch(tpath(n), raw=raw)
                    self.assertError(r, 400, "bad_request")

    def test_not_json_415(self):
        n = self.new()
        for ctype in ("text/plain", "application/x-www-form-urlencoded"):
            with self.subTest(ctype=ctype):
                with self.nothing_written(n):
                    r = self.a.patch(tpath(n), raw=b'{"status":"resolved"}',
                                     content_type=ctype)
                    self.assertError(r, 415, "unsupported_media_type")

    def test_empty_object_422(self):
        n = self.new()
        self.rejected(self.a, n, {}, 422, "validation_failed")

    def test_missing_ticket_404(self):
        r = self.a.patch(tpath("TICK-999999"), {"status": "open"})
        self.assertError(r, 404, "not_found")

    def test_unauthenticated_and_csrf(self):
        n = self.new()
        with self.nothing_written(n):
            r = Client().patch(tpath(n), {"status": "resolved"})
            self.assertError(r, 401, "unauthenticated")
            r = self.a.patch(tpath(n), {"status": "resolved"}, csrf=None)
            self.assertError(r, 403, "csrf_failed")
            r = self.a.patch(tpath(n), {"status": "resolved"}, csrf="bogus")
            self.assertError(r, 403, "csrf_failed")


class CustomerPatchTest(PatchCase):

    def test_customer_closes_own_ticket(self):
        for start in ("open", "waiting", "in_progress", "resolved"):
            with self.subTest(start=start):
                n = self.new()
                if start != "open":
                    set_status(n, start)
                prev = self.detail(self.c, n)
                t = self.patch(self.c, n, {"status": "closed"})
                self.assertEqual(t["status"], "closed")
                self.assertIsNotNone(t["closed_at"])
                self.assertTime(t["closed_at"])
                self.assertTrue(t["can_reopen"])
                new = self.new_entries(prev, t)
                self.assertEqual(len(new), 1, new)
                self.assertEqual(new[0]["type"], "status_changed")
                self.assertEqual((new[0]["from"], new[0]["to"]),
                                 (start, "closed"))
                self.assertActor(new[0], self.cust)
                self.assertEqual(ticket_row(n, "status")[0], "closed")

    def test_customer_closes_with_token(self):
        _, token = self.c.new_token()
        n = self.new()
        t = self.patch(Client(token=token), n, {"status": "closed"})
        self.assertEqual(t["status"], "closed")
        self.assertActor(t["timeline"][-1], self.cust, via="api")

    def test_customer_anything_else_403(self):
        n = self.new()
        bodies = [{"priority": p} for p in PRIORITIES]
        bodies += [{"category": c} for c in CATEGORIES]
        bodies += [{"status": s}
                   for s in ("open", "in_progress", "waiting", "resolved")]
        bodies += [{"assignee_id": self.agent.id}, {"assignee_id": None},
                   {"status": "closed", "priority": "high"},
                   {"status": "closed", "assignee_id": None},
                   {"status": "closed", "category": "general"},
                   # Values no one may set are still not the customer's.
                   {"priority": "urgent"}, {"status": "reopened"},
                   {"assignee_id": 99999999}]
        for body in bodies:
            with self.subTest(body=body):
                self.rejected(self.c, n, body, 403, "forbidden")
        self.assertEqual(self.detail(self.c, n)["status"], "open")

    def test_other_customers_ticket_404(self):
        n = self.new()
        missing = self.s.patch(tpath("TICK-999999"), {"status": "closed"})
        self.assertError(missing, 404, "not_found")
        for who, client in (("same account", self.s),
                            ("other account", self.x)):
            for body in ({"status": "closed"}, {"priority": "high"}):
                with self.subTest(who=who, body=body):
                    r, _ = self.rejected(client, n, body, 404, "not_found")
                    self.assertEqual(r.body, missing.body)
                    self.assertNotIn(n.encode(), r.raw)


class ClosedTicketTest(PatchCase):

    def test_closed_leaves_only_through_reopen(self):
        n = self.new()
        self.patch(self.a, n, {"status": "closed"})
        for client in (self.a, self.ad):
            for s in ("open", "in_progress", "waiting", "resolved",
                      "closed"):
                with self.subTest(status=s):
                    self.rejected(client, n, {"status": s}, 409,
                                  "invalid_transition")
        with self.subTest(who="customer"):
            self.rejected(self.c, n, {"status": "closed"}, 409,
                          "invalid_transition")
        # The same for a ticket the customer closed.
        m = self.new()
        self.patch(self.c, m, {"status": "closed"})
        self.rejected(self.c, m, {"status": "closed"}, 409,
                      "invalid_transition")
        self.rejected(self.a, m, {"status": "open"}, 409,
                      "invalid_transition")
        # Several fields with a status: all or nothing.
        self.rejected(self.a, m, {"status": "open", "priority": "high"}, 409,
                      "invalid_transition")


class SlaRecomputeTest(PatchCase):
    """A priority change recomputes the due time from the creation time
    (account in UTC; business hours 09:00-18:00 Monday to Friday)."""

    def test_due_times_from_creation(self):
        n = self.new()
        set_created(n, "2026-11-30 10:00Z")  # a Monday
        expected = [("critical", "2026-11-30T11:00:00Z"),
                    ("normal", "2026-12-01T10:00:00Z"),
                    ("high", "2026-11-30T14:00:00Z"),
                    ("low", "2026-12-07T10:00:00Z"),
                    ("critical", "2026-11-30T11:00:00Z")]
        for prio, due in expected:
            with self.subTest(priority=prio):
                t = self.patch(self.a, n, {"priority": prio})
                self.assertEqual(t["created_at"], "2026-11-30T10:00:00Z")
                self.assertEqual(t["sla"]["first_response_due_at"], due)
                self.assertEqual(
                    self.detail(self.c, n)["sla"]["first_response_due_at"],
                    due)

    def test_high_over_the_weekend(self):
        # Friday 17:30: half an hour on Friday, 3.5 hours on Monday.
        n = self.new()
        set_created(n, "2026-12-04 17:30Z")
        t = self.patch(self.a, n, {"priority": "high"})
        self.assertEqual(t["sla"]["first_response_due_at"],
                         "2026-12-07T12:30:00Z")
        t = self.patch(self.a, n, {"priority": "low"})
        self.assertEqual(t["sla"]["first_response_due_at"],
                         "2026-12-11T17:30:00Z")

    def test_business_hours_in_account_zone(self):
        # Monday 2026-11-30 10:00 UTC is 19:00 in Tokyo, after hours:
        # the four business hours of "high" run Tuesday 09:00-13:00 Tokyo.
        tokyo = make_user("customer", timezone="Asia/Tokyo")
        n = self.new_ticket(login(tokyo))
        set_created(n, "2026-11-30 10:00Z")
        t = self.patch(self.a, n, {"priority": "high"})
        self.assertEqual(t["sla"]["first_response_due_at"],
                         "2026-12-01T04:00:00Z")
        # Around the clock for critical and normal.
        t = self.patch(self.a, n, {"priority": "critical"})
        self.assertEqual(t["sla"]["first_response_due_at"],
                         "2026-11-30T11:00:00Z")
        t = self.patch(self.a, n, {"priority": "normal"})
        self.assertEqual(t["sla"]["first_response_due_at"],
                         "2026-12-01T10:00:00Z")

    def test_other_changes_keep_due_time(self):
        n = self.new()
        set_created(n, "2026-11-30 10:00Z")
        t = self.patch(self.a, n, {"priority": "high"})
        due = t["sla"]["first_response_due_at"]
        self.assertEqual(due, "2026-11-30T14:00:00Z")
        t = self.patch(self.a, n, {"category": "billing",
                                   "status": "in_progress",
                                   "assignee_id": self.agent.id})
        self.assertEqual(t["sla"]["first_response_due_at"], due)
        parse_time(due)


if __name__ == "__main__":
    unittest.main()
