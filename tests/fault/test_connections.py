"""PostgreSQL's max_connections exhausted (security.md F6).

Every connection slot the server gives the role tix is taken by other
clients.  Promise: a worker that needs a new connection answers a quick
503 `unavailable` (SQLSTATE 53300), trying at most once a second; the
workers that hold their connection go on serving; when slots free up,
the worker connects and serves, without a restart; every acknowledged
create is there once."""

import time
import unittest

from faultkit import (ApiTestCase, ConnectionFiller, FcgiSender,
                      HttpSender, Load, OwnWorker, bearer_token, children,
                      ticket_body)


class MaxConnectionsTest(ApiTestCase):
    def test_no_slot_is_a_quick_503_then_recovery(self):
        token = bearer_token()
        # Started before the slots go: it connects at its first request.
        w = OwnWorker()
        self.addCleanup(w.close)
        first = children(w.proc.pid)
        sender = FcgiSender(w.sock, token)
        # The shared workers hold their connections already.
        nginx = HttpSender(token)
        self.assertEqual(nginx.create(ticket_body(), token[-10:] + "a")[0],
                         201)
        filler = ConnectionFiller()
        self.addCleanup(filler.close)
        self.assertIn(b"53300", filler.refusal)
        self.assertGreater(len(filler.socks), 10)
        for i in range(4):
            start = time.monotonic()
            status, code, _ = sender.create(ticket_body(),
                                            "%s-full-%d" % (token[-10:], i))
            self.assertEqual((status, code), (503, "unavailable"))
            self.assertLess(time.monotonic() - start, 3)
        self.assertEqual(nginx.create(ticket_body(), token[-10:] + "b")[0],
                         201)
        with Load([sender, sender]) as load:
            time.sleep(1.5)
            self.assertEqual(load.acked_count(), 0)
            filler.close()
            load.wait_acked(6)
        load.check(self)
        self.assertEqual(set(load.failures), {(503, "unavailable")})
        self.assertEqual(children(w.proc.pid), first)
        # At most one connection attempt a second while it was refused.
        log = w.text()
        self.assertIn("connection slots are reserved", log)
        self.assertLessEqual(log.count("db: connect:"), 6, log)


if __name__ == "__main__":
    unittest.main()
