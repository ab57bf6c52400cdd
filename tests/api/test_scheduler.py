"""tix-scheduler --once: closes tickets resolved for 7 days and records
sla_breached once per overdue ticket, also when two passes run at the
same time, and when one ticket's work always fails."""

import os
import subprocess
import unittest

from tixclient import (create_ticket, login, make_user, new_account_name,
                       psql, require_env, ticket_int, ticket_row)
from tixflow import (FlowCase, db_entries_of, install_poison, poison,
                     remove_poison, run_scheduler, set_due_past, set_status,
                     tpath)


def numbers_array(numbers):
    return "{%s}" % ",".join(str(ticket_int(n)) for n in numbers)


class SchedulerCase(FlowCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        acct = new_account_name()
        cls.cust = make_user("customer", account=acct)
        cls.agent = make_user("agent")
        cls.c = login(cls.cust)
        cls.a = login(cls.agent)

    def run_once(self):
        p = run_scheduler("--once")
        self.assertEqual(p.returncode, 0,
                         "tix-scheduler --once: %s %s" % (p.stdout, p.stderr))
        return p

    def closed_entries(self, n):
        return db_entries_of(n, "status_changed", to="closed")


class AutoCloseTest(SchedulerCase):

    def test_closes_after_seven_days(self):
        n = self.new_ticket(self.c)
        set_status(n, "resolved", "7 days 1 minute")
        self.run_once()
        t = self.detail(self.c, n)
        self.assertEqual(t["status"], "closed")
        self.assertIsNotNone(t["closed_at"])
        self.assertTime(t["closed_at"])
        self.assertIsNotNone(t["resolved_at"])
        self.assertTrue(t["can_reopen"])
        e = t["timeline"][-1]
        self.assertSystemEntry(e, "status_changed")
        self.assertEqual((e["from"], e["to"]), ("resolved", "closed"))
        self.assertEqual(len(self.closed_entries(n)), 1)
        self.assertEqual(ticket_row(n, "status")[0], "closed")
        # The agent sees the same; a second pass changes nothing.
        self.assertEqual(self.detail(self.a, n)["timeline"][-1]["id"],
                         e["id"])
        with self.nothing_written(n):
            self.run_once()

    def test_six_days_stays_resolved(self):
        n = self.new_ticket(self.c)
        set_status(n, "resolved", "6 days")
        with self.nothing_written(n):
            self.run_once()
        self.assertEqual(self.detail(self.c, n)["status"], "resolved")

    def test_reopened_by_reply_not_touched(self):
        n = self.new_ticket(self.c)
        set_status(n, "resolved", "8 days")
        r = self.c.post(tpath(n, "/messages"), {"body": "not fixed"})
        self.assertStatus(r, 201)
        self.assertEqual(r.body["ticket"]["status"], "open")
        self.run_once()
        t = self.detail(self.c, n)
        self.assertEqual(t["status"], "open")
        self.assertIsNone(t["closed_at"])
        self.assertEqual(self.closed_entries(n), [])

    def test_other_statuses_not_touched(self):
        tickets = []
        for status in ("open", "in_progress", "waiting"):
            n = self.new_ticket(self.c)
            set_status(n, status)
            # An old resolved_at left on a ticket that is not resolved.
            psql("UPDATE tickets SET resolved_at = now() - interval '9 days'"
                 " WHERE number = :'p1'", ticket_int(n))
            tickets.append((n, status))
        self.run_once()
        for n, status in tickets:
            with self.subTest(status=status):
                self.assertEqual(ticket_row(n, "status")[0], status)
                self.assertEqual(self.closed_entries(n), [])


class ExitStatusTest(SchedulerCase):

    def test_unreachable_database_exits_1(self):
        env = dict(os.environ)
        env["TIX_DATABASE_URL"] = ("postgresql://tix@127.0.0.1:1/tix"
                                   "?connect_timeout=5")
        p = subprocess.run(["tix-scheduler", "--once"], capture_output=True,
                           text=True, env=env, timeout=60)
        self.assertEqual(p.returncode, 1, p.stdout + p.stderr)
        self.assertTrue(p.stderr.strip())

    def test_once_exits_0(self):
        self.run_once()


class PoisonedRowTest(SchedulerCase):
    """A ticket whose work fails at every pass (a trigger raises on its
    timeline rows) is skipped, logged and counted; the tickets after it
    in id order are handled in the same pass."""

    def setUp(self):
        install_poison()
        self.addCleanup(remove_poison)

    def assertSkipped(self, p, n):
        log = p.stdout + p.stderr
        self.assertIn("ticket id %d failed" % self.ticket_id(n), log)
        self.assertIn("skipped 1 ticket(s) that failed", log)

    def ticket_id(self, n):
        return int(ticket_row(n, "id")[0])

    def test_autoclose_skips_the_poisoned_ticket(self):
        bad = self.new_ticket(self.c)
        good = self.new_ticket(self.c)
        for n in (bad, good):
            set_status(n, "resolved", "8 days")
        poison(bad)
        p = self.run_once()
        self.assertSkipped(p, bad)
        self.assertEqual(ticket_row(good, "status")[0], "closed")
        self.assertEqual(len(self.closed_entries(good)), 1)
        self.assertEqual(ticket_row(bad, "status")[0], "resolved")
        self.assertEqual(self.closed_entries(bad), [])
        # Still due: tried (and skipped) again at the next pass.
        self.assertSkipped(self.run_once(), bad)
        remove_poison()
        self.run_once()
        self.assertEqual(ticket_row(bad, "status")[0], "closed")

    def test_breaches_skip_the_poisoned_ticket(self):
        bad = self.new_ticket(self.c)
        good = self.new_ticket(self.c)
        for n in (bad, good):
            set_due_past(n)
        poison(bad)
        p = self.run_once()
        self.assertSkipped(p, bad)
        self.assertEqual(len(db_entries_of(good, "sla_breached")), 1)
        self.assertEqual(ticket_row(good, "sla_breached_at IS NULL"), ["f"])
        self.assertEqual(db_entries_of(bad, "sla_breached"), [])
        self.assertEqual(ticket_row(bad, "sla_breached_at IS NULL"), ["t"])


class SlaBreachTest(SchedulerCase):

    def test_breach_recorded_once(self):
        n = self.new_ticket(self.c)
        set_due_past(n)
        self.run_once()
        rows = db_entries_of(n, "sla_breached")
        self.assertEqual(len(rows), 1)
        self.assertIsNone(rows[0]["actor_id"])
        self.assertEqual(rows[0]["via"], "system")
        t = self.detail(self.a, n)
        self.assertTrue(t["sla"]["breached"])
        e = [x for x in t["timeline"] if x["type"] == "sla_breached"]
        self.assertEqual(len(e), 1)
        self.assertSystemEntry(e[0], "sla_breached")
        self.assertEqual(t["status"], "open")
        self.run_once()
        self.assertEqual(len(db_entries_of(n, "sla_breached")), 1)

    def test_not_before_due_nor_after_response(self):
        ahead = self.new_ticket(self.c)
        answered = self.new_ticket(self.c)
        r = self.a.post(tpath(answered, "/messages"), {"body": "on it"})
        self.assertStatus(r, 201)
        set_due_past(answered)
        self.run_once()
        self.assertEqual(db_entries_of(ahead, "sla_breached"), [])
        self.assertEqual(db_entries_of(answered, "sla_breached"), [])

    def test_note_does_not_prevent_breach(self):
        n = self.new_ticket(self.c)
        r = self.a.post(tpath(n, "/messages"),
                        {"body": "internal", "internal": True})
        self.assertStatus(r, 201)
        set_due_past(n)
        self.run_once()
        self.assertEqual(len(db_entries_of(n, "sla_breached")), 1)


class ConcurrentPassesTest(SchedulerCase):

    def test_two_passes_at_once(self):
        due_close = [create_ticket(self.c)["number"] for _ in range(30)]
        due_breach = [create_ticket(self.c)["number"] for _ in range(30)]
        psql("UPDATE tickets SET status = 'resolved',"
             " resolved_at = now() - interval '7 days 1 minute'"
             " WHERE number = ANY(:'p1'::int[])", numbers_array(due_close))
        psql("UPDATE tickets SET first_response_due_at ="
             " now() - interval '1 minute'"
             " WHERE number = ANY(:'p1'::int[])", numbers_array(due_breach))
        require_env("TIX_DATABASE_URL")
        procs = [subprocess.Popen(["tix-scheduler", "--once"],
                                  stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True,
                                  env=dict(os.environ))
                 for _ in range(2)]
        for p in procs:
            out, err = p.communicate(timeout=180)
            self.assertEqual(p.returncode, 0, out + err)
        for n in due_close:
            with self.subTest(close=n):
                self.assertEqual(ticket_row(n, "status")[0], "closed")
                rows = self.closed_entries(n)
                self.assertEqual(len(rows), 1, rows)
                self.assertEqual(rows[0]["from"], "resolved")
                self.assertIsNone(rows[0]["actor_id"])
                self.assertEqual(rows[0]["via"], "system")
        for n in due_breach:
            with self.subTest(breach=n):
                rows = db_entries_of(n, "sla_breached")
                self.assertEqual(len(rows), 1, rows)
                self.assertEqual(ticket_row(n, "status")[0], "open")


if __name__ == "__main__":
    unittest.main()
