"""The portal in a real browser: Debian's chromium, headless, driven over
the DevTools protocol (cdp.py) against the stack scripts/test started.

A customer signs in through the form, creates a ticket whose subject is
markup (it must show as text), finds it in the list, opens it and
replies; an agent, in a browser context of their own, opens it, sees the
reply and answers; the customer then sees "Waiting for You".

Screenshots go to TIX_TEST_LOG_DIR (and to TIX_E2E_SCREENSHOT_DIR too,
when set, since scripts/test removes its logs after a green run).
A missing /usr/bin/chromium fails the test.
"""

import os
import shutil
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "api"))

import cdp  # noqa: E402
import tixclient  # noqa: E402

MARKUP = "<img src=x onerror=alert(1)>"


class PortalTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.base = tixclient.require_env("TIX_TEST_BASE_URL").rstrip("/")
        cls.log_dir = tixclient.require_env("TIX_TEST_LOG_DIR")
        cls.customer = tixclient.make_user("customer")
        cls.agent = tixclient.make_user("agent")
        cls.browser = cdp.Browser(os.path.join(cls.log_dir, "chromium.log"))

    @classmethod
    def tearDownClass(cls):
        cls.browser.close()

    def shot(self, page, name):
        path = os.path.join(self.log_dir, "portal-%s.png" % name)
        page.screenshot(path)
        extra = os.environ.get("TIX_E2E_SCREENSHOT_DIR")
        if extra:
            os.makedirs(extra, exist_ok=True)
            shutil.copy(path, extra)

    def sign_in(self, page, user, home):
        page.goto(self.base + "/login")
        page.wait("document.querySelector('#login-form')", what="the login form")
        page.type("#login-email", user.email)
        page.type("#login-password", user.password)
        page.click("#login-submit")
        page.wait("location.pathname === %r && document.querySelector('main h1')"
                  " && document.querySelector('main h1').textContent !== 'Sign in'"
                  % home, what="the list after sign-in")

    def assert_clean(self, page):
        """No script errors, no CSP violations, no dialogs."""
        self.assertEqual(page.events("Page.javascriptDialogOpening"), [])
        self.assertEqual(page.events("Runtime.exceptionThrown"), [])
        csp = [e for e in page.events("Log.entryAdded")
               if "Content Security Policy" in e["params"]["entry"].get("text", "")]
        self.assertEqual(csp, [])

    def test_customer_and_agent(self):
        word = tixclient.unique_word()
        subject = "Printer %s %s" % (MARKUP, word)
        reply = "Still broken after a restart " + word
        answer = "Please send the printer's log " + word

        # -- the customer signs in; a wrong password shows the API's message
        cust = self.browser.new_page()
        cust.goto(self.base + "/login")
        cust.type("#login-email", self.customer.email)
        cust.type("#login-password", "wrong-password")
        cust.click("#login-submit")
        message = cust.wait("(function(){var e=document.querySelector('#login-form "
                            "[role=alert]'); return e && !e.hidden && e.textContent})()",
                            what="the login error")
        self.assertRegex(message, r"\S")
        self.sign_in(cust, self.customer, "/customer/tickets")

        # -- a new ticket: an empty form shows field errors from the 422
        cust.click("main a.primary[href='/customer/tickets/new']")
        cust.wait("document.querySelector('#new-ticket')", what="the new ticket form")
        cust.click("#new-submit")
        err = cust.wait("document.querySelector('[data-error-for=subject]').textContent",
                        what="the subject's field error")
        self.assertTrue(err)
        cust.type("#f-subject", subject)
        cust.choose("#f-category", "technical")
        cust.choose("#f-priority", "high")
        cust.type("#f-description", "It prints blank pages. " + word)
        cust.click("#new-submit")
        cust.wait("/^\\/customer\\/tickets\\/TICK-\\d+$/.test(location.pathname) && "
                  "document.querySelector('#ticket-subject')", what="the new ticket")
        number = cust.eval("location.pathname").rsplit("/", 1)[1]
        self.assertRegex(number, r"^TICK-\d+$")
        # The markup is text: shown literally, no element made from it.
        self.assertEqual(cust.text("#ticket-subject"), subject)
        self.assertEqual(cust.eval("document.querySelectorAll('img').length"), 0)
        self.assertEqual(cust.text("#ticket-status"), "Open")

        # -- it is in the list, and the search finds it
        cust.click("#nav a[href='/customer/tickets']")
        cust.wait("document.querySelector('#ticket-list tr[data-number=%s]')" % number,
                  what="the ticket in the list")
        self.assertEqual(cust.text("#ticket-list tr[data-number=%s] td.subject" % number),
                         subject)
        cust.type("#filters input[name=q]", word)
        cust.click("#filters button[type=submit]")
        cust.wait("location.search.indexOf(%r) >= 0 && "
                  "document.querySelectorAll('#ticket-list tbody tr').length === 1"
                  % word, what="the search result")
        self.assertEqual(cust.eval("document.querySelectorAll('img').length"), 0)

        # -- open it and reply
        cust.click("#ticket-list tr[data-number=%s] td.subject a" % number)
        cust.wait("location.pathname === '/customer/tickets/%s' && "
                  "document.querySelector('#reply-body')" % number, what="the ticket")
        cust.type("#reply-body", reply)
        cust.click("#reply-submit")
        cust.wait("document.querySelector('#timeline').textContent.indexOf(%r) >= 0"
                  % reply, what="the reply in the timeline")
        self.assert_clean(cust)

        # -- the agent, in a context of their own, sees the reply and answers
        agent = self.browser.new_page()
        self.sign_in(agent, self.agent, "/agent/tickets")
        agent.goto(self.base + "/agent/tickets/" + number)   # a reload of a deep link
        agent.wait("document.querySelector('#timeline') && document.querySelector"
                   "('#timeline').textContent.indexOf(%r) >= 0" % reply,
                   what="the customer's reply, for the agent")
        self.assertEqual(agent.text("#ticket-subject"), subject)
        self.assertEqual(agent.eval("document.querySelectorAll('img').length"), 0)
        self.assertTrue(agent.eval("document.querySelector('#set-assignee').options.length > 1"))
        agent.type("#reply-body", answer)
        agent.click("#reply-submit")
        agent.wait("document.querySelector('#ticket-status') && "
                   "document.querySelector('#ticket-status').textContent === "
                   "'Waiting on customer'", what="the status after the answer")
        self.assertIn(answer, agent.text("#timeline"))
        self.shot(agent, "agent-ticket")

        # -- the agent takes it and raises the priority (PATCH)
        me = agent.eval("(function(){var o=[].find.call(document.querySelector"
                        "('#set-assignee').options, function(o){return o.text === %r});"
                        "return o && o.value})()" % self.agent.name)
        self.assertTrue(me, "the agent is not in the assignee list")
        agent.choose("#set-assignee", me)
        agent.choose("#set-priority", "critical")
        agent.click("#save-ticket")
        agent.wait("document.querySelector('#ticket-priority') && "
                   "document.querySelector('#ticket-priority').textContent === 'Critical'",
                   what="the new priority")
        self.assertIn("assigned the ticket to " + self.agent.name, agent.text("#timeline"))

        # -- and finds it among their own tickets
        agent.click("#nav a[href='/agent/tickets']")
        agent.wait("document.querySelector('#filters select[name=assignee]')",
                   what="the agent's list")
        agent.choose("#filters select[name=assignee]", "me")
        agent.wait("location.search.indexOf('assignee=me') >= 0 && "
                   "document.querySelector('#ticket-list tr[data-number=%s]')" % number,
                   what="the ticket among the agent's own")
        self.assertEqual(agent.text("#ticket-list tr[data-number=%s] .status" % number),
                         "Waiting on customer")
        self.shot(agent, "agent-list")
        self.assert_clean(agent)

        # -- back as the customer: waiting for them, the answer shown
        cust.goto(self.base + "/customer/tickets/" + number)
        status = cust.wait("(function(){var e=document.querySelector('#ticket-status');"
                           "return e && e.textContent})()", what="the status")
        self.assertEqual(status, "Waiting for You")
        self.assertIn(answer, cust.text("#timeline"))
        # Oldest first: the description, the reply, then the answer.
        body = cust.text("#timeline")
        self.assertLess(body.index("It prints blank pages."), body.index(reply))
        self.assertLess(body.index(reply), body.index(answer))
        self.shot(cust, "customer-ticket")

        # -- the list says whose turn it is
        cust.click("#nav a[href='/customer/tickets']")
        cust.wait("document.querySelector('#ticket-list tr[data-number=%s]')" % number,
                  what="the list")
        self.assertEqual(cust.text("#ticket-list tr[data-number=%s] .status" % number),
                         "Waiting for You")
        self.shot(cust, "customer-list")

        # -- close it, then reopen it
        cust.click("#ticket-list tr[data-number=%s] td.subject a" % number)
        cust.click("#close-ticket")
        cust.wait("document.querySelector('#ticket-status').textContent === 'Closed' && "
                  "document.querySelector('#reopen-reason')", what="the closed ticket")
        cust.type("#reopen-reason", "It came back " + word)
        cust.click("#reopen-ticket")
        cust.wait("document.querySelector('#ticket-status').textContent === 'Open' && "
                  "document.querySelector('#reply-body')", what="the reopened ticket")
        self.assertIn("It came back " + word, cust.text("#timeline"))
        self.assert_clean(cust)

        # -- sign out
        cust.click("#logout")
        cust.wait("location.pathname === '/login' && document.querySelector('#login-form')",
                  what="the login page after sign-out")
        cust.goto(self.base + "/customer/tickets")
        cust.wait("location.pathname === '/login'", what="a redirect to /login")


if __name__ == "__main__":
    unittest.main()
