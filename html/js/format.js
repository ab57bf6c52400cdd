// Names shown for the API's values, and dates in the viewer's timezone.

const STATUS = {
  customer: {
    open: 'Open', in_progress: 'In Progress', waiting: 'Waiting for You',
    resolved: 'Resolved', closed: 'Closed',
  },
  agent: {
    open: 'Open', in_progress: 'In Progress', waiting: 'Waiting on customer',
    resolved: 'Resolved', closed: 'Closed',
  },
};

const CATEGORY = {
  technical: 'Technical Support', billing: 'Billing', license: 'License Issues',
  general: 'General Inquiry',
};

const PRIORITY = { low: 'Low', normal: 'Normal', high: 'High', critical: 'Critical' };

// The first-response targets of the contract, as a customer reads them.
const RESPONSE_TIME = {
  critical: 'within 1 hour, 24/7',
  high: 'within 4 business hours',
  normal: 'within 24 hours',
  low: 'within 3–5 days',
};

export const STATUSES = ['open', 'in_progress', 'waiting', 'resolved', 'closed'];
export const OPEN_STATUSES = ['open', 'in_progress', 'waiting'];
export const PRIORITIES = ['low', 'normal', 'high', 'critical'];
export const CATEGORIES = ['technical', 'billing', 'license', 'general'];

export function audience(user) {
  return user && user.role === 'customer' ? 'customer' : 'agent';
}

export function statusLabel(status, who) {
  return STATUS[who][status] || status;
}

export function statusOptions(who) {
  return STATUSES.map((s) => [s, statusLabel(s, who)]);
}

export function categoryLabel(c) {
  return CATEGORY[c] || capitalize(c);
}

export function categoryOptions() {
  return CATEGORIES.map((c) => [c, CATEGORY[c]]);
}

export function priorityLabel(p) {
  return PRIORITY[p] || capitalize(p);
}

export function priorityOptions() {
  return PRIORITIES.map((p) => [p, PRIORITY[p]]);
}

export function responseTime(priority) {
  return RESPONSE_TIME[priority] || '';
}

export function capitalize(word) {
  const s = String(word || '').replace(/_/g, ' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}

// The account's IANA zone, or the browser's when the account has none
// the browser knows.
export function zoneOf(user) {
  const tz = user && user.account && user.account.timezone;
  if (tz) {
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz });
      return tz;
    } catch (e) {
      // An unknown zone: fall through to the browser's.
    }
  }
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

const formatters = new Map();

function formatter(zone, opts) {
  const key = zone + JSON.stringify(opts);
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(undefined, Object.assign({ timeZone: zone }, opts));
    formatters.set(key, f);
  }
  return f;
}

const SHORT = { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit',
  minute: '2-digit' };
const LONG = Object.assign({ weekday: 'short', second: '2-digit', timeZoneName: 'short' }, SHORT);

// The date and time of `iso` in the user's zone, e.g. "Dec 3, 2026, 09:15".
export function when(iso, user) {
  if (!iso) return '';
  const d = new Date(iso);
  if (isNaN(d)) return String(iso);
  return formatter(zoneOf(user), SHORT).format(d);
}

// Shorter, for tables: "Dec 3, 09:15", with the year only when it is not
// this year.
export function whenShort(iso, user) {
  if (!iso) return '';
  const d = new Date(iso);
  if (isNaN(d)) return String(iso);
  const zone = zoneOf(user);
  const year = (x) => formatter(zone, { year: 'numeric' }).format(x);
  const opts = { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' };
  if (year(d) !== year(new Date())) opts.year = 'numeric';
  return formatter(zone, opts).format(d);
}

// The same with the zone spelled out, for a title.
export function whenLong(iso, user) {
  if (!iso) return '';
  const d = new Date(iso);
  if (isNaN(d)) return String(iso);
  return formatter(zoneOf(user), LONG).format(d) + ' (' + zoneOf(user) + ')';
}

// Today's date (YYYY-MM-DD) in the user's zone: the API reads the date
// filters in the account's zone too.
export function today(user) {
  const parts = formatter(zoneOf(user), { year: 'numeric', month: '2-digit', day: '2-digit' })
    .formatToParts(new Date());
  const get = (t) => (parts.find((p) => p.type === t) || {}).value;
  return get('year') + '-' + get('month') + '-' + get('day');
}

// "3 h", "2 d 4 h", "25 min": a span of milliseconds, roughly.
export function span(ms) {
  const min = Math.round(Math.abs(ms) / 60000);
  if (min < 60) return min + ' min';
  const hours = Math.floor(min / 60);
  if (hours < 48) return hours + ' h' + (hours < 10 && min % 60 ? ' ' + (min % 60) + ' min' : '');
  const days = Math.floor(hours / 24);
  return days + ' d' + (hours % 24 ? ' ' + (hours % 24) + ' h' : '');
}

// Where a ticket stands against its first-response target:
// {state: 'met'|'missed'|'due'|'overdue'|'none', text}.
export function firstResponse(t, now = Date.now()) {
  const due = t.sla && t.sla.first_response_due_at ? new Date(t.sla.first_response_due_at) : null;
  if (t.first_response_at) {
    const late = due && new Date(t.first_response_at) > due;
    return { state: late ? 'missed' : 'met', text: late ? 'Answered late' : 'Met' };
  }
  if (!due) return { state: 'none', text: '—' };
  if (t.status === 'resolved' || t.status === 'closed') {
    return { state: 'none', text: '—' };
  }
  const left = due - now;
  if (left < 0 || (t.sla && t.sla.breached)) {
    return { state: 'overdue', text: 'Overdue ' + span(left) };
  }
  return { state: 'due', text: 'Due in ' + span(left) };
}

export function bytes(n) {
  if (n < 1024) return n + ' B';
  if (n < 1024 * 1024) return (n / 1024).toFixed(1) + ' KB';
  return (n / 1024 / 1024).toFixed(1) + ' MB';
}

export function plural(n, one, many) {
  return n + ' ' + (n === 1 ? one : many);
}
