"""Open redirect after sign-in (security.md 31): the portal's /login
goes to ?next= only when it is a path of the portal itself.  The
function that decides, safeNext in html/js/views/login.js, is run here
under node with the addresses an attacker would send; the way back
through a real browser is tests/e2e/signin.test.mjs's ("returns to a
ticket's URL, visited signed out, after sign-in")."""

import json
import os
import subprocess
import unittest

LOGIN_JS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                        "..", "html", "js", "views", "login.js")

FOREIGN = ["https://evil.example", "http://evil.example/customer",
           "//evil.example", "///evil.example", "/\\evil.example",
           "\\\\evil.example", "/\t/evil.example", "/\n/evil.example",
           "/\r/evil.example", "/ /evil.example", "\t//evil.example",
           "javascript:alert(1)", "data:text/html,<script>1</script>",
           "evil.example", "", "/login?next=//evil.example",
           "/api/auth/logout", "/reset-password?token=x",
           "/\u0000/evil.example", "/\u007f/evil.example"]
OWN = ["/customer/tickets", "/customer/tickets/TICK-1001",
       "/agent/tickets?status=open&q=a%20b", "/settings"]


def safe_next(values):
    script = ("import { safeNext } from %s;\n"
              "const vs = JSON.parse(process.argv[1]);\n"
              "console.log(JSON.stringify(vs.map(safeNext)));\n"
              % json.dumps("file://" + os.path.abspath(LOGIN_JS)))
    p = subprocess.run(["node", "--input-type=module", "-e", script,
                        json.dumps(values)], capture_output=True, text=True,
                       timeout=60)
    if p.returncode != 0:
        raise AssertionError("node: %s" % p.stderr)
    return json.loads(p.stdout)


class SafeNextTest(unittest.TestCase):

    def test_foreign_targets_are_dropped(self):
        for value, got in zip(FOREIGN, safe_next(FOREIGN)):
            with self.subTest(next=value):
                self.assertIsNone(got)

    def test_own_paths_are_kept(self):
        self.assertEqual(safe_next(OWN), OWN)


if __name__ == "__main__":
    unittest.main()
