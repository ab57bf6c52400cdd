"""A small Chrome DevTools Protocol client for the portal's browser tests.

Starts Debian's chromium headless and speaks CDP over --remote-debugging-pipe
(fd 3: commands to the browser, fd 4: answers and events; each message is
JSON followed by a NUL byte), so no WebSocket code is needed.  Python
standard library only.
"""

import base64
import json
import os
import queue
import shutil
import subprocess
import tempfile
import threading
import time

CHROMIUM = "/usr/bin/chromium"


class CDPError(Exception):
    pass


class Browser:
    def __init__(self, log_path=None):
        if not os.access(CHROMIUM, os.X_OK):
            raise CDPError("%s is missing: install the Debian package "
                           "chromium (scripts/lib/stack.sh does)" % CHROMIUM)
        self.profile = tempfile.mkdtemp(prefix="tix-e2e-chromium.")
        to_child_r, self._to_child = os.pipe()
        self._from_child, from_child_w = os.pipe()

        def child_fds():
            # Move the pipe ends to 3 and 4, wherever they are now.
            a, b = os.dup(to_child_r), os.dup(from_child_w)
            os.dup2(a, 3)
            os.dup2(b, 4)

        self._log = open(log_path or os.devnull, "ab")
        self.proc = subprocess.Popen(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
             "--no-first-run", "--disable-background-networking",
             "--disable-component-update", "--disable-sync",
             "--disable-dev-shm-usage", "--window-size=1280,900",
             "--user-data-dir=" + self.profile, "--remote-debugging-pipe",
             "about:blank"],
            stdin=subprocess.DEVNULL, stdout=self._log, stderr=self._log,
            preexec_fn=child_fds, pass_fds=(3, 4))
        os.close(to_child_r)
        os.close(from_child_w)
        self._next_id = 0
        self._lock = threading.Lock()
        self._answers = {}
        self._cond = threading.Condition()
        self.events = queue.Queue()
        self.all_events = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    # -- transport

    def _read(self):
        buf = b""
        while True:
            try:
                chunk = os.read(self._from_child, 65536)
            except OSError:
                chunk = b""
            if not chunk:
                with self._cond:
                    self._answers[None] = "closed"
                    self._cond.notify_all()
                return
            buf += chunk
            while b"\0" in buf:
                raw, buf = buf.split(b"\0", 1)
                msg = json.loads(raw.decode("utf-8"))
                if "id" in msg:
                    with self._cond:
                        self._answers[msg["id"]] = msg
                        self._cond.notify_all()
                else:
                    self.all_events.append(msg)
                    self.events.put(msg)

    def send(self, method, params=None, session=None, timeout=30):
        with self._lock:
            self._next_id += 1
            mid = self._next_id
        msg = {"id": mid, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        os.write(self._to_child, json.dumps(msg).encode("utf-8") + b"\0")
        deadline = time.monotonic() + timeout
        with self._cond:
            while mid not in self._answers:
                if None in self._answers:
                    raise CDPError("the browser went away during " + method)
                left = deadline - time.monotonic()
                if left <= 0:
                    raise CDPError("no answer to %s in %ss" % (method, timeout))
                self._cond.wait(left)
            answer = self._answers.pop(mid)
        if "error" in answer:
            raise CDPError("%s: %s" % (method, answer["error"]))
        return answer.get("result", {})

    def new_page(self):
        """A tab in a fresh browser context (its own cookies)."""
        ctx = self.send("Target.createBrowserContext")["browserContextId"]
        target = self.send("Target.createTarget", {
            "url": "about:blank", "browserContextId": ctx})["targetId"]
        session = self.send("Target.attachToTarget", {
            "targetId": target, "flatten": True})["sessionId"]
        return Page(self, session)

    def close(self):
        try:
            self.send("Browser.close", timeout=5)
        except Exception:
            pass
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        for fd in (self._to_child, self._from_child):
            try:
                os.close(fd)
            except OSError:
                pass
        self._log.close()
        shutil.rmtree(self.profile, ignore_errors=True)


class Page:
    def __init__(self, browser, session):
        self.browser = browser
        self.session = session
        for domain in ("Page", "Runtime", "Log"):
            self.send(domain + ".enable")
        self.send("Emulation.setDeviceMetricsOverride", {
            "width": 1280, "height": 900, "deviceScaleFactor": 1,
            "mobile": False})

    def send(self, method, params=None, timeout=30):
        return self.browser.send(method, params, self.session, timeout)

    def events(self, method):
        return [e for e in self.browser.all_events
                if e.get("sessionId") == self.session and e["method"] == method]

    def goto(self, url):
        self.send("Page.navigate", {"url": url})
        self.wait("document.readyState === 'complete'")

    def eval(self, expression):
        r = self.send("Runtime.evaluate", {
            "expression": expression, "returnByValue": True,
            "awaitPromise": True})
        if "exceptionDetails" in r:
            raise CDPError("%s: %s" % (expression, r["exceptionDetails"]))
        return r["result"].get("value")

    def wait(self, expression, timeout=15, what=None):
        deadline = time.monotonic() + timeout
        # An element has no JSON value: finding one counts as true.  An
        # exception (an element not there yet) counts as false.
        probe = ("(function(){try { var v = (%s); } catch (e) { return false; }"
                 " return v instanceof Node ? true : v})()" % expression)
        while True:
            value = self.eval(probe)
            if value:
                return value
            if time.monotonic() > deadline:
                raise CDPError("timed out waiting for %s; page: %s %r" % (
                    what or expression, self.eval("location.href"),
                    self.eval("document.body && document.body.innerText")))
            time.sleep(0.1)

    def text(self, selector):
        return self.eval("(function(){var e=document.querySelector(%s);"
                         "return e ? e.textContent : null})()" % json.dumps(selector))

    def click(self, selector):
        """A real mouse click in the middle of the element."""
        box = self.wait(
            "(function(){var e=document.querySelector(%s); if(!e) return null;"
            "e.scrollIntoView({block:'center'}); var r=e.getBoundingClientRect();"
            "return r.width ? [r.x + r.width/2, r.y + r.height/2] : null})()"
            % json.dumps(selector), what="clickable " + selector)
        for kind in ("mousePressed", "mouseReleased"):
            self.send("Input.dispatchMouseEvent", {
                "type": kind, "x": box[0], "y": box[1], "button": "left",
                "clickCount": 1})

    def type(self, selector, text):
        """Focuses the field, clears it and types text into it."""
        self.wait("(function(){var e=document.querySelector(%s); if(!e) return false;"
                  "e.focus(); e.select && e.select(); return true})()"
                  % json.dumps(selector), what="field " + selector)
        self.send("Input.insertText", {"text": text})

    def choose(self, selector, value):
        ok = self.eval("(function(){var e=document.querySelector(%s); if(!e) return false;"
                       "e.value=%s; e.dispatchEvent(new Event('change',{bubbles:true}));"
                       "return e.value === %s})()"
                       % (json.dumps(selector), json.dumps(value), json.dumps(value)))
        if not ok:
            raise CDPError("cannot choose %r in %s" % (value, selector))

    def screenshot(self, path):
        data = self.send("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": True})["data"]
        with open(path, "wb") as f:
            f.write(base64.b64decode(data))
