"""Helpers for the ticket lifecycle tests: put tickets into a state
directly in the database, read their timeline rows, run the scheduler,
make license keys, and a TestCase with "nothing was written" checks.

Builds on tixclient; imported by test_patch, test_reopen, test_notes,
test_sla, test_scheduler, test_idempotency, test_stats, test_license and
test_concurrency.
"""

import contextlib
import json
import os
import subprocess
import uuid

from tixclient import (ApiTestCase, count_entries, create_ticket, psql,
                       require_env, ticket_int, ticket_row)

STATUSES = ("open", "in_progress", "waiting", "resolved", "closed")
PRIORITIES = ("low", "normal", "high", "critical")
CATEGORIES = ("technical", "billing", "license", "general")

# The columns a rejected request must leave alone.
SNAPSHOT_COLUMNS = (
    "status, priority, category, coalesce(assignee_id::text, '-'),"
    " updated_at, customer_updated_at, first_response_due_at,"
    " coalesce(first_response_at::text, '-'),"
    " coalesce(resolved_at::text, '-'), coalesce(closed_at::text, '-'),"
    " requester_id")


# A trigger that makes one statement fail: it raises on a new timeline
# row of a ticket whose subject carries POISON (every write path, the
# scheduler's included, writes such a row late in its transaction).
POISON = "[poisoned-row]"

_POISON_INSTALL = r"""
CREATE OR REPLACE FUNCTION tix_test_poison() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM tickets WHERE id = NEW.ticket_id
               AND strpos(subject, '[poisoned-row]') > 0) THEN
        RAISE EXCEPTION 'poisoned row (test trigger)';
    END IF;
    RETURN NEW;
END $$;
DROP TRIGGER IF EXISTS tix_test_poison ON ticket_entries;
CREATE TRIGGER tix_test_poison BEFORE INSERT ON ticket_entries
    FOR EACH ROW EXECUTE FUNCTION tix_test_poison();
"""

_POISON_REMOVE = """
DROP TRIGGER IF EXISTS tix_test_poison ON ticket_entries;
DROP FUNCTION IF EXISTS tix_test_poison();
"""


def admin_psql(sql):
    """Run sql as the cluster's superuser (TIX_TEST_PG_ADMIN_URL)."""
    subprocess.run(["psql", require_env("TIX_TEST_PG_ADMIN_URL"), "-X",
                    "-q", "-v", "ON_ERROR_STOP=1", "-f", "-"], input=sql,
                   capture_output=True, text=True, check=True, timeout=60)


@contextlib.contextmanager
def table_locked(table):
    """Hold an ACCESS EXCLUSIVE lock on table, from a session of the
    database's superuser, for the body of the with statement: a request
    that needs the table waits for the workers' lock timeout."""
    url = require_env("TIX_TEST_PG_ADMIN_URL")
    holder = subprocess.Popen(
        ["psql", url, "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True)
    try:
        holder.stdin.write("BEGIN;\nLOCK TABLE %s IN ACCESS EXCLUSIVE "
                           "MODE;\nSELECT 'locked';\n" % table)
        holder.stdin.flush()
        if holder.stdout.readline().strip() != "locked":
            raise RuntimeError("could not lock %s" % table)
        yield
    finally:
        holder.stdin.write("ROLLBACK;\n")
        holder.stdin.close()
        holder.wait(timeout=30)
        holder.stdout.close()
        holder.stderr.close()


def install_poison():
    admin_psql(_POISON_INSTALL)


def remove_poison():
    admin_psql(_POISON_REMOVE)


def poison(number):
    """Every later timeline row of this ticket fails."""
    psql("UPDATE tickets SET subject = subject || ' ' || :'p2'"
         " WHERE number = :'p1'", ticket_int(number), POISON)


def tpath(number, suffix=""):
    return "/api/tickets/%s%s" % (number, suffix)


def set_status(number, status, ago="0 seconds"):
    """Set a ticket's status in the database: resolved_at (resolved and
    closed) and closed_at (closed) are now() - ago, else null."""
    psql("UPDATE tickets SET status = :'p2'::ticket_status,"
         " resolved_at = CASE WHEN :'p2' IN ('resolved', 'closed')"
         "   THEN now() - :'p3'::interval END,"
         " closed_at = CASE WHEN :'p2' = 'closed'"
         "   THEN now() - :'p3'::interval END"
         " WHERE number = :'p1'", ticket_int(number), status, ago)


def set_due_past(number, ago="1 minute"):
    """Move the first-response due time into the past."""
    psql("UPDATE tickets SET first_response_due_at = now() - :'p2'::interval"
         " WHERE number = :'p1'", ticket_int(number), ago)


def set_created(number, at):
    psql("UPDATE tickets SET created_at = :'p2'::timestamptz"
         " WHERE number = :'p1'", ticket_int(number), at)


def set_assignee(number, uid):
    psql("UPDATE tickets SET assignee_id = nullif(:'p2', '')::bigint"
         " WHERE number = :'p1'", ticket_int(number),
         "" if uid is None else str(uid))


def db_entries(number):
    """The ticket's timeline rows, oldest first, as dicts with id, type,
    actor_id, via, from, to, body, internal."""
    out = psql(
        "SELECT coalesce(json_agg(json_build_object("
        " 'id', e.id, 'type', e.type, 'actor_id', e.actor_id,"
        " 'via', e.via, 'from', e.from_value, 'to', e.to_value,"
        " 'body', e.body, 'internal', e.internal) ORDER BY e.id), '[]')"
        " FROM ticket_entries e JOIN tickets t ON t.id = e.ticket_id"
        " WHERE t.number = :'p1'", ticket_int(number))
    return json.loads(out)


def db_entries_of(number, type_, to=None):
    return [e for e in db_entries(number)
            if e["type"] == type_ and (to is None or e["to"] == to)]


def db_priority(number):
    return ticket_row(number, "priority")[0]


def run_scheduler(*args, timeout=120, env=None):
    """tix-scheduler --once (or args), with env added to the environment;
    returns the CompletedProcess."""
    require_env("TIX_DATABASE_URL")
    argv = ["tix-scheduler"] + (list(args) or ["--once"])
    return subprocess.run(argv, capture_output=True, text=True,
                          env=dict(os.environ, **(env or {})),
                          timeout=timeout)


def new_license_key():
    """A fresh key: four groups of five upper-case letters or digits."""
    raw = uuid.uuid4().hex.upper()[:20]
    return "-".join(raw[i:i + 5] for i in range(0, 20, 5))


class FlowCase(ApiTestCase):
    """ApiTestCase with helpers to read tickets and check that a
    rejected request wrote nothing."""

    def detail(self, client, number):
        r = client.get(tpath(number))
        t = self.assertJson(r, 200)["ticket"]
        self.assertDetail(t)
        self.assertEqual(t["number"], number)
        return t

    def new_ticket(self, client, **fields):
        return create_ticket(client, **fields)["number"]

    def snapshot(self, number):
        return (ticket_row(number, SNAPSHOT_COLUMNS), count_entries(number))

    @contextlib.contextmanager
    def nothing_written(self, *numbers):
        before = [self.snapshot(n) for n in numbers]
        yield
        after = [self.snapshot(n) for n in numbers]
        self.assertEqual(after, before, "a rejected request changed %s"
                         % (numbers,))

    def assertOrdered(self, timeline):
        ids = [e["id"] for e in timeline]
        self.assertEqual(ids, sorted(ids), "timeline not in id order")
        self.assertEqual(len(set(ids)), len(ids))

    def assertSystemEntry(self, e, type_):
        self.assertEqual(e["type"], type_, e)
        self.assertIsNone(e["actor"], e)
        self.assertEqual(e["via"], "system", e)

    def assertActor(self, e, user, via="portal"):
        self.assertIsNotNone(e["actor"], e)
        self.assertEqual(e["actor"]["id"], user.id, e)
        self.assertEqual(e["actor"]["name"], user.name, e)
        self.assertEqual(e["actor"]["role"], user.role, e)
        self.assertEqual(e["via"], via, e)
