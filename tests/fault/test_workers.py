"""Worker processes killed in the middle of a POST (security.md F15) and
every worker busy (F17).

Promises: a worker killed with -9 while a create is half done gives the
client nginx's 502 (the contract's JSON), nginx does not send the POST
again, nothing of it is written, and the parent's new process serves
the next request.  With every process held by requests that wait on a
lock, further requests wait in the socket's queue and every one is
answered (a quick 503 from the lock timeout) within nginx's timeouts;
none hangs, and the service is whole again once the lock goes."""

import os
import signal
import threading
import time
import unittest

from faultkit import (ApiTestCase, Client, HttpSender, Load, admin_sql,
                      bearer_token, children, parent_pid, psql_int,
                      ticket_body, wait_healthy)
from tixflow import table_locked


def waiting_on_a_lock():
    return int(admin_sql(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = 'tix'"
        " AND usename = 'tix' AND wait_event_type = 'Lock'"))


def count_subject(subject):
    return psql_int("SELECT count(*) FROM tickets WHERE subject = :'p1'",
                    subject)


class WorkerKilledTest(ApiTestCase):
    def test_killed_mid_post_leaves_nothing_and_is_replaced(self):
        client = Client(token=bearer_token())
        parent = parent_pid("TIX_TEST_TICKETS_PIDFILE")
        before = children(parent)
        body = ticket_body()
        out = {}
        # The create inserts its ticket, then waits for the timeline's
        # lock: half written, uncommitted, when its process dies.
        with table_locked("ticket_entries"):
            t = threading.Thread(target=lambda: out.setdefault(
                "r", client.post("/api/tickets", body)))
            t.start()
            deadline = time.monotonic() + 4
            while waiting_on_a_lock() == 0:
                self.assertLess(time.monotonic(), deadline)
                time.sleep(0.02)
            for pid in before:
                os.kill(pid, signal.SIGKILL)
            t.join(20)
            self.assertFalse(t.is_alive(), "the client hangs")
        r = out["r"]
        self.assertError(r, 502, "unavailable")
        self.assertSecurityHeaders(r)
        # The backend finds its client gone and rolls back; nginx sent
        # the POST to no one else.
        time.sleep(0.5)
        self.assertEqual(count_subject(body["subject"]), 0)
        deadline = time.monotonic() + 10
        while True:
            now = children(parent)
            if len(now) == len(before) and not set(now) & set(before):
                break
            self.assertLess(time.monotonic(), deadline, now)
            time.sleep(0.1)
        with Load([HttpSender(client.token)]) as load:
            load.wait_acked(3)
        load.check(self)
        self.assertEqual(load.failures, {})


class EveryWorkerBusyTest(ApiTestCase):
    REQUESTS = 6     # three times the processes of tix-tickets

    def test_requests_queue_and_are_all_answered(self):
        client = Client(token=bearer_token())
        client.timeout = 60
        results = []
        lock = threading.Lock()

        def one():
            start = time.monotonic()
            try:
                r = client.post("/api/tickets", ticket_body(subject=tag))
                res = (r.status, r.body["error"]["code"]
                       if isinstance(r.body, dict) and "error" in r.body
                       else None)
            except OSError as e:
                res = (type(e).__name__, None)
            with lock:
                results.append((res, time.monotonic() - start))

        tag = "busy-" + client.token[-10:]
        threads = [threading.Thread(target=one)
                   for _ in range(self.REQUESTS)]
        with table_locked("tickets"):
            for t in threads:
                t.start()
            for t in threads:
                t.join(45)
            self.assertFalse(any(t.is_alive() for t in threads), "a hang")
        self.assertEqual(len(results), self.REQUESTS)
        for res, took in results:
            # Each waits for a free process, then 5 s for the lock; two
            # processes: the last is answered after three rounds, well
            # inside nginx's 30 s.
            self.assertEqual(res, (503, "unavailable"))
            self.assertLess(took, 25)
        self.assertEqual(count_subject(tag), 0)
        wait_healthy()
        with Load([HttpSender(client.token) for _ in range(2)]) as load:
            load.wait_acked(4)
        load.check(self)
        self.assertEqual(load.failures, {})


if __name__ == "__main__":
    unittest.main()
