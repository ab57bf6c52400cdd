-- bench/seed.sql: a year of tickets for bench/run, straight into the
-- tables (the API would take minutes for 100,000 tickets).
--
-- psql variables (bench/run sets them):
--   tickets    how many tickets (100000)
--   customers  how many generated customers (2000), in accounts of ten
--   mine       how many tickets the benchmark customer gets (50)
--   customer   the benchmark customer's e-mail address
--   messages_per_ticket  at most this many messages and notes a ticket
--              beyond its created entry (4; about half that on average)
--   pool       how many words to draw for the texts (2000000)
--   vacuum     true: VACUUM (ANALYZE) at the end (the state autovacuum
--              keeps a live database in: visibility map set, so counts
--              can use index-only scans); false: ANALYZE only
--
-- The benchmark customer and agent exist already (tix-admin user add).
-- Generated users get the password hash "!": nobody can log in as them.
-- Ticket numbers come from ticket_number_seq as usual, in creation order.
-- Each ticket gets its `created` entry, as the API would write it.

\set ON_ERROR_STOP on
BEGIN;

-- No triggers while loading (this session only; the seed runs as the
-- superuser): the foreign keys hold by construction, and the search
-- documents (sql/016) are made in one pass at the end rather than
-- appended to once per message, their GIN indexes built after them.
SET LOCAL session_replication_role = replica;
SET LOCAL maintenance_work_mem = '512MB';
DROP INDEX ticket_search_doc_idx, ticket_search_staff_doc_idx;

SELECT setseed(0.4242);

INSERT INTO accounts (name, timezone)
SELECT 'Bench customer ' || a,
       (ARRAY['UTC', 'Europe/Berlin', 'America/New_York',
              'Asia/Tokyo'])[1 + a % 4]
  FROM generate_series(1, (:customers + 9) / 10) AS a;

INSERT INTO users (account_id, email, name, role, password_hash)
SELECT acc.id, 'customer' || u || '@bench.test', 'Customer ' || u,
       'customer', '!'
  FROM generate_series(1, :customers) AS u
  JOIN accounts acc ON acc.name = 'Bench customer ' || (1 + (u - 1) / 10);

-- Nine more agents beside the benchmark one, in its account.
INSERT INTO users (account_id, email, name, role, password_hash)
SELECT (SELECT account_id FROM users WHERE role = 'agent' ORDER BY id
         LIMIT 1),
       'agent' || a || '@bench.test', 'Agent ' || a, 'agent', '!'
  FROM generate_series(1, 9) AS a;

CREATE TEMP TABLE bench_customers AS
SELECT row_number() OVER (ORDER BY id) - 1 AS k, id, account_id
  FROM users WHERE email LIKE 'customer%@bench.test';
CREATE TEMP TABLE bench_agents AS
SELECT row_number() OVER (ORDER BY id) - 1 AS k, id
  FROM users WHERE role = 'agent';
CREATE TEMP TABLE bench_me AS
SELECT id, account_id FROM users WHERE email = :'customer';

-- The words of the generated text, ranked: a Zipf distribution (the k-th
-- word is drawn with a probability near 1/k) over 20,000 words.  English
-- stop words first (as in real text they are the most frequent; the
-- search ignores them), then the support vocabulary, most common first,
-- so that "license" is common; then made-up words from syllables, each
-- rarer than the last, so that bench_vocab's word 18000 is rare (a few
-- tickets in 100,000).  The table stays: bench/run reads its words.
CREATE TABLE bench_vocab (k int PRIMARY KEY, w text NOT NULL);
INSERT INTO bench_vocab
SELECT k, w FROM unnest(ARRAY[
    'the', 'to', 'and', 'a', 'of', 'is', 'it', 'we', 'in', 'on', 'for',
    'this', 'that', 'not', 'with', 'our', 'but', 'after', 'when', 'from',
    'error', 'license', 'login', 'account', 'invoice', 'update', 'report',
    'password', 'export', 'server', 'user', 'customer', 'payment', 'email',
    'activation', 'install', 'version', 'screen', 'crash', 'slow',
    'timeout', 'upgrade', 'database', 'backup', 'printer', 'network',
    'billing', 'renewal', 'refund', 'certificate', 'browser', 'mobile',
    'download', 'upload', 'permission', 'administrator', 'settings',
    'dashboard', 'project', 'team', 'message', 'notification', 'search',
    'filter', 'calendar', 'schedule', 'import', 'spreadsheet', 'document',
    'attachment', 'signature', 'integration', 'webhook', 'token',
    'session', 'cookie', 'proxy', 'firewall', 'laptop', 'windows', 'linux',
    'macos', 'android', 'iphone', 'tablet', 'keyboard', 'monitor', 'disk',
    'memory', 'cpu', 'trial', 'subscription', 'discount', 'quote',
    'contract', 'receipt', 'vat', 'currency', 'address', 'shipping',
    'delivery', 'warehouse', 'inventory', 'barcode', 'scanner', 'label',
    'template', 'workflow', 'approval', 'audit', 'compliance', 'privacy',
    'encryption', 'sso', 'ldap', 'saml', 'oauth', 'api', 'sdk', 'plugin',
    'extension', 'theme', 'font', 'pdf', 'csv', 'xml', 'json', 'chart',
    'graph', 'widget', 'sidebar', 'toolbar', 'button', 'dialog', 'popup',
    'freeze', 'hang', 'restart', 'reboot', 'reinstall', 'uninstall',
    'migration', 'sync', 'offline', 'latency', 'bandwidth', 'quota',
    'limit', 'storage', 'archive', 'retention', 'deletion', 'recovery',
    'rollback', 'hotfix', 'patch', 'release', 'beta', 'roadmap', 'feature',
    'request', 'feedback', 'training', 'onboarding', 'documentation',
    'tutorial', 'webinar', 'partner', 'reseller', 'vendor', 'supplier',
    'müller', 'zürich', 'café', 'résumé'])
    WITH ORDINALITY AS v(w, k);
INSERT INTO bench_vocab
SELECT k, s[1 + k % 20] || s[1 + (k / 20) % 20] || s[1 + (k / 400) % 20]
       || s[1 + (k / 8000) % 20]
  FROM generate_series((SELECT max(k) + 1 FROM bench_vocab), 20000) AS k,
       (SELECT ARRAY['ka', 'ro', 'mi', 'ten', 'vor', 'lu', 'zan', 'pe',
                     'dri', 'sol', 'bex', 'qua', 'nim', 'tor', 'fel',
                     'gri', 'osh', 'yul', 'wen', 'cap'] AS s) syl;
ANALYZE bench_vocab;

-- The words of the text, drawn from bench_vocab: rank floor((N + 1)^u)
-- for u uniform in [0, 1) is k with probability ln((k + 1) / k) /
-- ln(N + 1), about 1/k.  Drawn once, in one set-based pass, into a pool
-- of :pool words; a text of n words is the n pool words from a random
-- place on (one index range scan), so that a million tickets do not
-- cost millions of function calls.
CREATE TEMP TABLE bench_pool AS
SELECT r.i, v.w
  FROM (SELECT i, floor(power(20001, random()))::int AS k
          FROM generate_series(1, :pool) AS i) r
  JOIN bench_vocab v ON v.k = r.k;
CREATE UNIQUE INDEX ON bench_pool (i);
ANALYZE bench_pool;

-- One row per ticket: g = 1 is the oldest, a year ago; g = :tickets is
-- a few minutes old.  Every (:tickets / :mine)-th ticket is the
-- benchmark customer's; the rest are spread over the generated ones.
CREATE TEMP TABLE bench_rows AS
SELECT g,
       now() - interval '365 days'
           + (g - 1) * (interval '365 days' / :tickets) AS created,
       random() AS r_status, random() AS r_prio, random() AS r_cat,
       random() AS r_time, random() AS r_asg,
       CASE WHEN g % (:tickets / :mine) = 0 THEN -1
            ELSE (g::bigint * 7919) % :customers END AS who
  FROM generate_series(1, :tickets) AS g;

CREATE TEMP TABLE bench_tickets AS
SELECT r.g, r.created, r.r_time, r.r_asg,
       1 + floor(random() * (:pool - 60))::int AS o1,
       1 + floor(random() * (:pool - 60))::int AS o2,
       coalesce(me.id, c.id) AS requester_id,
       coalesce(me.account_id, c.account_id) AS account_id,
       CASE WHEN r.created < now() - interval '30 days' THEN
                CASE WHEN r.r_status < 0.85 THEN 'closed'
                     WHEN r.r_status < 0.95 THEN 'resolved'
                     ELSE 'waiting' END
            ELSE
                CASE WHEN r.r_status < 0.30 THEN 'open'
                     WHEN r.r_status < 0.50 THEN 'in_progress'
                     WHEN r.r_status < 0.70 THEN 'waiting'
                     WHEN r.r_status < 0.90 THEN 'resolved'
                     ELSE 'closed' END
       END::ticket_status AS status,
       CASE WHEN r.r_prio < 0.20 THEN 'low'
            WHEN r.r_prio < 0.75 THEN 'normal'
            WHEN r.r_prio < 0.95 THEN 'high'
            ELSE 'critical' END::ticket_priority AS priority,
       CASE WHEN r.r_cat < 0.45 THEN 'technical'
            WHEN r.r_cat < 0.65 THEN 'billing'
            WHEN r.r_cat < 0.85 THEN 'license'
            ELSE 'general' END::ticket_category AS category
  FROM bench_rows r
  LEFT JOIN bench_me me ON r.who = -1
  LEFT JOIN bench_customers c ON c.k = r.who;

INSERT INTO tickets (account_id, requester_id, assignee_id, subject,
                     description, status, priority, category, created_at,
                     updated_at, customer_updated_at, first_response_due_at,
                     first_response_at, resolved_at, closed_at)
SELECT t.account_id, t.requester_id,
       CASE WHEN t.status = 'open' AND t.r_asg < 0.7 THEN NULL
            ELSE (SELECT a.id FROM bench_agents a
                   WHERE a.k = (t.g * 31) % 10) END,
       (ARRAY['Cannot log in after the password reset',
              'Invoice shows the wrong VAT number',
              'License activation fails on a new laptop',
              'CSV export times out for large projects',
              'How do we add a second administrator?',
              'Error 500 after upgrading to the new release',
              'Slow search in the reports view',
              'Please extend our trial licence'])[1 + t.g % 8]
           || ': ' || (SELECT string_agg(p.w, ' ' ORDER BY p.i)
                         FROM bench_pool p
                        WHERE p.i BETWEEN t.o1 AND t.o1 + 1)
           || ' (' || t.g || ')',
       'Generated ticket ' || t.g || E'.\n\n'
           || (SELECT string_agg(p.w, ' ' ORDER BY p.i) FROM bench_pool p
                WHERE p.i BETWEEN t.o2 AND t.o2 + 14 + t.g % 40)
           || E'.\n\n'
           || 'We see this since this morning and it blocks our team.',
       t.status, t.priority, t.category, t.created,
       d.updated, d.updated,
       t.created + CASE t.priority WHEN 'critical' THEN interval '1 hour'
                                   WHEN 'high' THEN interval '4 hours'
                                   WHEN 'normal' THEN interval '24 hours'
                                   ELSE interval '5 days' END,
       CASE WHEN t.status = 'open' THEN NULL
            ELSE least(now(), t.created + t.r_time * interval '30 hours')
       END,
       CASE WHEN t.status IN ('resolved', 'closed') THEN d.updated END,
       CASE WHEN t.status = 'closed' THEN d.updated END
  FROM bench_tickets t
  CROSS JOIN LATERAL (
      SELECT CASE WHEN t.status = 'open' THEN t.created
                  ELSE least(now(), t.created + interval '1 day'
                             + t.r_time * interval '14 days') END
             AS updated) d
 ORDER BY t.g;

INSERT INTO ticket_entries (ticket_id, type, actor_id, via, body,
                            created_at)
SELECT id, 'created', requester_id, 'portal', description, created_at
  FROM tickets
 ORDER BY id;

-- The conversation: up to :messages_per_ticket messages a ticket beyond
-- the created entry (on average about half that), agent and customer
-- taking turns, between creation and the last update; one in five of the
-- agent's turns an internal note.
INSERT INTO ticket_entries (ticket_id, type, actor_id, via, body, internal,
                            created_at)
SELECT t.id,
       CASE WHEN m % 2 = 1 AND (t.id + m) % 5 = 0 THEN 'note'
            ELSE 'message' END::entry_type,
       CASE WHEN m % 2 = 1 THEN coalesce(t.assignee_id,
                (SELECT a.id FROM bench_agents a WHERE a.k = t.id % 10))
            ELSE t.requester_id END,
       'portal', (SELECT string_agg(p.w, ' ' ORDER BY p.i) FROM bench_pool p
                   WHERE p.i BETWEEN o.o AND o.o + 7 + (t.id * m) % 30),
       m % 2 = 1 AND (t.id + m) % 5 = 0,
       t.created_at + (t.updated_at - t.created_at) * m
           / (:messages_per_ticket + 1)
  FROM tickets t,
       generate_series(1, :messages_per_ticket) AS m,
       LATERAL (SELECT 1 + floor(random() * (:pool - 40))::int + 0 * m
                  AS o) o
 WHERE m <= (t.id * 2654435761) % (:messages_per_ticket + 1)
 ORDER BY t.id, m;

SELECT tix_search_fill();
-- And the counts by status and assignment (sql/025), which the
-- triggers would have kept.
SELECT tix_ticket_counts_fill();
CREATE INDEX ticket_search_doc_idx ON ticket_search USING gin (doc);
CREATE INDEX ticket_search_staff_doc_idx ON ticket_search USING gin (staff_doc);

COMMIT;

-- Settled now, so that autovacuum (an insert-only table of 100,000 new
-- rows qualifies) does not start during the measurements and change the
-- plans half-way.
\if :vacuum
VACUUM (ANALYZE);
\else
ANALYZE;
\endif

-- Write the seeded pages out now rather than at a checkpoint in the
-- middle of a measurement.
CHECKPOINT;
