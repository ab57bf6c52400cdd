"""Static checks of the portal (html/): no HTML sinks, no eval, no inline
script, style or event handlers (the CSP forbids them anyway)."""

import os
import re
import unittest

HTML_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "html")

JS_BANNED = re.compile(
    r"innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\s*\("
    r"|\bnew\s+Function\s*\(|\bsetTimeout\s*\(\s*['\"`]|\bsetInterval\s*\(\s*['\"`]"
    r"|createContextualFragment|srcdoc|javascript:")
HTML_BANNED = re.compile(
    r"<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+\s*=|\sstyle\s*=|<style\b|javascript:",
    re.IGNORECASE)


def files(ext):
    for root, _, names in os.walk(HTML_DIR):
        for name in sorted(names):
            if name.endswith(ext):
                yield os.path.join(root, name)


class StaticTest(unittest.TestCase):
    def scan(self, ext, pattern):
        found = []
        paths = list(files(ext))
        self.assertTrue(paths, "no %s files under %s" % (ext, HTML_DIR))
        for path in paths:
            with open(path, encoding="utf-8") as f:
                for n, line in enumerate(f, 1):
                    if pattern.search(line):
                        found.append("%s:%d: %s" % (os.path.relpath(path, HTML_DIR),
                                                    n, line.strip()))
        self.assertEqual(found, [], "banned constructs in the portal")

    def test_javascript(self):
        self.scan(".js", JS_BANNED)

    def test_html(self):
        self.scan(".html", HTML_BANNED)


if __name__ == "__main__":
    unittest.main()
