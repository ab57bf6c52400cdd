#!/usr/bin/env python3
"""getload.py BASE TOKEN SECONDS THREADS PATH...: GET the paths in turn
from THREADS threads for SECONDS, each on a keep-alive connection of its
own, and print one JSON line: the count of answers by status, and of
requests that got no answer (connection errors) as "error".  Used by
scaleout.sh while it kills an app host."""

import collections
import http.client
import json
import sys
import threading
import time
import urllib.parse


def worker(base, token, paths, until, counts, lock):
    u = urllib.parse.urlsplit(base)
    conn = None
    i = 0
    local = collections.Counter()
    while time.monotonic() < until:
        path = paths[i % len(paths)]
        i += 1
        try:
            if conn is None:
                conn = http.client.HTTPConnection(u.hostname, u.port,
                                                  timeout=30)
            conn.request("GET", path, headers={
                "Authorization": "Bearer " + token,
                "Accept": "application/json"})
            r = conn.getresponse()
            r.read()
            local[str(r.status)] += 1
            if r.getheader("Connection", "").lower() == "close":
                conn.close()
                conn = None
        except (OSError, http.client.HTTPException):
            local["error"] += 1
            if conn is not None:
                conn.close()
            conn = None
    with lock:
        counts.update(local)


def main():
    base, token, seconds, nthreads = sys.argv[1:5]
    paths = sys.argv[5:]
    until = time.monotonic() + float(seconds)
    counts = collections.Counter()
    lock = threading.Lock()
    threads = [threading.Thread(target=worker, args=(
        base, token, paths, until, counts, lock))
        for _ in range(int(nthreads))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(json.dumps(dict(counts), sort_keys=True))


if __name__ == "__main__":
    main()
