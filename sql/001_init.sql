-- 001_init.sql: accounts, users, sessions, tokens, tickets, timeline,
-- licenses. Applied by `tix-admin migrate` inside one transaction.
--
-- The database enforces what must never be false, whatever the client:
-- enum values, lengths, foreign keys, one ticket number per ticket.

CREATE TYPE user_role AS ENUM ('customer', 'agent', 'admin');
CREATE TYPE ticket_status AS ENUM
    ('open', 'in_progress', 'waiting', 'resolved', 'closed');
-- Declared in rising order so that ORDER BY priority runs low -> critical.
CREATE TYPE ticket_priority AS ENUM ('low', 'normal', 'high', 'critical');
CREATE TYPE ticket_category AS ENUM
    ('technical', 'billing', 'license', 'general');
CREATE TYPE entry_type AS ENUM
    ('created', 'message', 'note', 'status_changed', 'priority_changed',
     'category_changed', 'assigned', 'reopened', 'attachment_added',
     'sla_breached');
CREATE TYPE entry_via AS ENUM ('portal', 'email', 'api', 'system');
CREATE TYPE license_status AS ENUM
    ('active', 'expired', 'revoked', 'suspended');

CREATE TABLE accounts (
    id          bigserial PRIMARY KEY,
    name        text NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 200),
    -- An IANA zone name; checked against pg_timezone_names on insert by
    -- tix-admin, and here kept to a sane shape.
    timezone    text NOT NULL DEFAULT 'UTC'
                CHECK (timezone ~ '^[A-Za-z0-9_+/-]{1,64}$'),
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE users (
    id              bigserial PRIMARY KEY,
    account_id      bigint NOT NULL REFERENCES accounts(id),
    email           text NOT NULL CHECK (length(email) BETWEEN 3 AND 254
                                         AND email = lower(email)),
    name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    role            user_role NOT NULL,
    password_hash   text NOT NULL,
    disabled_at     timestamptz,
    email_on_reply    boolean NOT NULL DEFAULT true,
    email_on_status   boolean NOT NULL DEFAULT true,
    email_on_assigned boolean NOT NULL DEFAULT true,
    sms_number      text CHECK (sms_number ~ '^\+[1-9][0-9]{6,14}$'),
    sms_enabled     boolean NOT NULL DEFAULT false,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX users_email_key ON users (email);

-- Only the SHA-256 of a session token is stored: a copy of this table
-- lets nobody log in.
CREATE TABLE sessions (
    id            bigserial PRIMARY KEY,
    user_id       bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    token_hash    bytea NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    csrf_token    text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    last_seen_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sessions_user_idx ON sessions (user_id);

CREATE TABLE api_tokens (
    id            bigserial PRIMARY KEY,
    user_id       bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    token_hash    bytea NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    created_at    timestamptz NOT NULL DEFAULT now(),
    last_used_at  timestamptz
);
CREATE INDEX api_tokens_user_idx ON api_tokens (user_id);

-- Failed logins, per e-mail address, for throttling. Old rows are pruned
-- by the login path itself.
CREATE TABLE login_failures (
    email         text NOT NULL,
    failed_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_failures_email_idx ON login_failures (email, failed_at);

CREATE SEQUENCE ticket_number_seq START 1001;

CREATE TABLE tickets (
    id                    bigserial PRIMARY KEY,
    number                integer NOT NULL UNIQUE
                          DEFAULT nextval('ticket_number_seq')
                          CHECK (number >= 1001),
    account_id            bigint NOT NULL REFERENCES accounts(id),
    requester_id          bigint NOT NULL REFERENCES users(id),
    assignee_id           bigint REFERENCES users(id),
    subject               text NOT NULL
                          CHECK (length(subject) BETWEEN 1 AND 200),
    description           text NOT NULL
                          CHECK (length(description) BETWEEN 1 AND 20000),
    status                ticket_status NOT NULL DEFAULT 'open',
    priority              ticket_priority NOT NULL DEFAULT 'normal',
    category              ticket_category NOT NULL,
    license_key           text CHECK (license_key ~
                          '^[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5}$'),
    created_at            timestamptz NOT NULL DEFAULT now(),
    -- updated_at moves on every change; customer_updated_at only on
    -- changes a customer may see (internal notes leave it alone).
    updated_at            timestamptz NOT NULL DEFAULT now(),
    customer_updated_at   timestamptz NOT NULL DEFAULT now(),
    first_response_due_at timestamptz NOT NULL,
    first_response_at     timestamptz,
    resolved_at           timestamptz,
    closed_at             timestamptz,
    sla_breached_at       timestamptz
);
ALTER SEQUENCE ticket_number_seq OWNED BY tickets.number;
CREATE INDEX tickets_requester_idx ON tickets (requester_id, updated_at DESC);
CREATE INDEX tickets_updated_idx ON tickets (updated_at DESC, id DESC);
CREATE INDEX tickets_created_idx ON tickets (created_at DESC, id DESC);
CREATE INDEX tickets_assignee_idx ON tickets (assignee_id);

CREATE TABLE ticket_entries (
    id          bigserial PRIMARY KEY,
    ticket_id   bigint NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
    type        entry_type NOT NULL,
    actor_id    bigint REFERENCES users(id),
    via         entry_via NOT NULL,
    body        text CHECK (length(body) <= 20000),
    from_value  text,
    to_value    text,
    -- true for internal notes: never shown to customers.
    internal    boolean NOT NULL DEFAULT false,
    created_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
    CHECK (internal = (type = 'note'))
);
CREATE INDEX ticket_entries_ticket_idx ON ticket_entries (ticket_id, id);

CREATE TABLE licenses (
    id              bigserial PRIMARY KEY,
    key             text NOT NULL UNIQUE CHECK (key ~
                    '^[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5}$'),
    account_id      bigint NOT NULL REFERENCES accounts(id),
    product         text NOT NULL CHECK (length(product) BETWEEN 1 AND 200),
    status          license_status NOT NULL DEFAULT 'active',
    expires_at      timestamptz,
    activations_max integer NOT NULL DEFAULT 1 CHECK (activations_max >= 0),
    created_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE activations (
    id              bigserial PRIMARY KEY,
    license_id      bigint NOT NULL REFERENCES licenses(id) ON DELETE CASCADE,
    machine         text NOT NULL CHECK (length(machine) BETWEEN 1 AND 200),
    activated_at    timestamptz NOT NULL DEFAULT now(),
    deactivated_at  timestamptz
);
CREATE INDEX activations_license_idx ON activations (license_id);

-- RFC 3339 in UTC, second precision: the one time format of the API.
CREATE FUNCTION tix_ts(t timestamptz) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"');

-- A word as an ILIKE pattern that matches it anywhere, with LIKE's own
-- metacharacters taken literally (security.md #70).
CREATE FUNCTION tix_like(word text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN '%' || replace(replace(replace(word, '\', '\\'), '%', '\%'),
                          '_', '\_') || '%';
