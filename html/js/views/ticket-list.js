// /customer/tickets and /agent/tickets: the tickets the user may see.
// The filters live in the address, so reload and Back keep them.  Agents
// get queues (Unassigned, Mine, Breached, All open, All) with counts.

import * as api from '../api.js';
import { h, select } from '../dom.js';
import { navigate } from '../router.js';
import {
  audience, statusOptions, categoryOptions, firstResponse, plural, OPEN_STATUSES,
} from '../format.js';
import { statusBadge, priorityTag, categoryText, timeEl, snippet } from '../ui.js';

const PER_PAGE = 25;

const SORTS = [
  ['-updated_at', 'Recently updated'], ['updated_at', 'Least recently updated'],
  ['-created_at', 'Newest'], ['created_at', 'Oldest'],
  ['-priority', 'Highest priority'], ['priority', 'Lowest priority'],
];

// The agent's queues: what each one asks the API for.
const QUEUES = [
  ['unassigned', 'Unassigned', { assignee: 'none', status: OPEN_STATUSES.join(',') }],
  ['mine', 'Mine', { assignee: 'me', status: OPEN_STATUSES.join(',') }],
  ['breached', 'Breached', { breached: 'true', status: OPEN_STATUSES.join(',') }],
  ['open', 'All open', { status: OPEN_STATUSES.join(',') }],
  ['all', 'All', {}],
];

const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

// The filters of the address, cleaned: unknown values are dropped rather
// than sent (the API would answer 400 for a hand-edited link).
function readFilters(q, who) {
  const pick = (name, ok) => {
    const v = q.get(name) || '';
    return ok(v) ? v : '';
  };
  const statuses = statusOptions(who).map(([s]) => s);
  const f = {
    status: pick('status', (v) => statuses.includes(v)),
    category: pick('category', (v) => categoryOptions().some(([c]) => c === v)),
    created_from: pick('created_from', (v) => DATE_RE.test(v)),
    created_to: pick('created_to', (v) => DATE_RE.test(v)),
    q: (q.get('q') || '').slice(0, 200),
    page: Math.max(1, parseInt(q.get('page'), 10) || 1),
  };
  if (who === 'agent') {
    f.queue = pick('queue', (v) => QUEUES.some(([k]) => k === v)) || 'open';
    f.sort = pick('sort', (v) => SORTS.some(([s]) => s === v));
  }
  return f;
}

// What the address holds for `f`: defaults are left out.
function addressOf(base, f) {
  const out = Object.assign({}, f);
  if (out.page === 1) out.page = '';
  if (out.queue === 'open') out.queue = '';
  return base + api.query(out);
}

function apiParams(f) {
  const p = {
    category: f.category, created_from: f.created_from, created_to: f.created_to,
    q: f.q.trim(), page: f.page, per_page: PER_PAGE,
  };
  if (f.queue) Object.assign(p, QUEUES.find(([k]) => k === f.queue)[2]);
  if (f.status) p.status = f.status;
  if (f.sort) p.sort = f.sort;
  return p;
}

export async function ticketListView(ctx) {
  const who = audience(ctx.user);
  const base = '/' + who + '/tickets';
  const f = readFilters(ctx.query, who);
  const [data, counts] = await Promise.all([
    api.get('/api/tickets' + api.query(apiParams(f))),
    who === 'agent' ? queueCounts() : null,
  ]);
  const filtered = Boolean(f.status || f.category || f.created_from || f.created_to || f.q);
  const go = (change) => navigate(addressOf(base, Object.assign({}, f, { page: 1 }, change)));

  return h('section.list-page', {},
    h('div.page-head', {},
      h('h1', { text: who === 'customer' ? 'Support Tickets' : 'Tickets' }),
      who === 'customer' ? h('a.button.primary', { href: '/customer/tickets/new',
        text: 'Create Ticket' }) : null),
    counts ? queueNav(base, f, counts) : null,
    filterForm(who, f, go, base),
    h('p.result-count', { id: 'result-count', role: 'status',
      text: plural(data.total, 'ticket', 'tickets') + (data.total_capped ? '+' : '') +
        (filtered ? ' match' + (data.total === 1 ? 'es' : '') : '') }),
    data.tickets.length
      ? ticketTable(ctx, who, base, data.tickets)
      : emptyState(who, filtered, f, base),
    pager(base, f, data));
}

async function queueCounts() {
  const [stats, mine] = await Promise.all([
    api.get('/api/tickets/stats'),
    api.get('/api/tickets' + api.query({ assignee: 'me', status: OPEN_STATUSES.join(','),
      per_page: 1 })),
  ]);
  const by = stats.by_status || {};
  const open = OPEN_STATUSES.reduce((n, s) => n + (by[s] || 0), 0);
  const all = Object.values(by).reduce((n, v) => n + v, 0);
  return { unassigned: stats.unassigned, mine: mine.total, breached: stats.breached, open, all };
}

function queueNav(base, f, counts) {
  return h('nav.queues', { id: 'queues', 'aria-label': 'Queues' },
    h('ul', {}, QUEUES.map(([key, label]) => h('li', {},
      h('a', {
        href: addressOf(base, { queue: key, page: 1 }),
        'aria-current': f.queue === key ? 'page' : null,
        dataset: { queue: key },
      }, h('span.label', { text: label }), ' ',
      h('span.count', { text: String(counts[key] === undefined ? '' : counts[key]) }))))));
}

function filterForm(who, f, go, base) {
  const status = select({ name: 'status', id: 'filter-status' },
    [['', 'Any']].concat(statusOptions(who)), f.status);
  const category = select({ name: 'category', id: 'filter-category' },
    [['', 'Any']].concat(categoryOptions()), f.category);
  const from = h('input', { type: 'date', name: 'created_from', id: 'filter-from',
    value: f.created_from });
  const to = h('input', { type: 'date', name: 'created_to', id: 'filter-to',
    value: f.created_to });
  const search = h('input', { type: 'search', name: 'q', id: 'filter-q', value: f.q,
    maxlength: 200, placeholder: 'TICK-1001, words from a subject or message' });
  const sort = who === 'agent'
    ? select({ name: 'sort', id: 'filter-sort' }, SORTS, f.sort || '-updated_at') : null;
  const lab = (id, text, control, cls) => h('div.filter' + (cls || ''), {},
    h('label', { for: id, text }), control);
  const values = () => ({
    status: status.value, category: category.value, created_from: from.value,
    created_to: to.value, q: search.value, sort: sort && sort.value !== '-updated_at' ? sort.value : '',
  });
  const form = h('form.filters', { id: 'filters', role: 'search',
    'aria-label': 'Filter tickets' },
  lab('filter-status', 'Status', status),
  lab('filter-category', 'Category', category),
  h('fieldset.dates', {},
    h('legend', { text: 'Created' }),
    lab('filter-from', 'From', from),
    lab('filter-to', 'To', to)),
  sort ? lab('filter-sort', 'Sort', sort) : null,
  h('div.filter.grow', {},
    h('label', { for: 'filter-q', text: 'Search' }),
    h('div.search-row', {}, search, h('button', { type: 'submit', text: 'Search' }))),
  h('a.clear', { href: addressOf(base, { queue: f.queue, page: 1 }), text: 'Clear filters' }));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    go(values());
  });
  form.addEventListener('change', (ev) => {
    if (ev.target !== search) go(values());
  });
  return form;
}

function ticketTable(ctx, who, base, tickets) {
  const head = ['Ticket #', 'Subject', 'Status', 'Priority', 'Category'];
  if (who === 'agent') head.push('Requester', 'Assignee', 'First response');
  head.push('Created', 'Last Updated');
  const now = Date.now();
  const cell = (label, ...content) => h('td', { dataset: { label } }, ...content);
  return h('table', { id: 'ticket-list', class: who === 'agent' ? 'tickets wide' : 'tickets' },
    h('caption.visually-hidden', { text: 'Tickets' }),
    h('thead', {}, h('tr', {}, head.map((t) => h('th', { scope: 'col', text: t })))),
    h('tbody', {}, tickets.map((t) => {
      const href = base + '/' + encodeURIComponent(t.number);
      const fr = who === 'agent' ? firstResponse(t, now) : null;
      return h('tr', { dataset: { number: t.number, status: t.status } },
        cell('Ticket #', h('a.number', { href, text: t.number })),
        cell('Subject', h('a.subject', { href }, h('bdi', { text: t.subject })),
          t.attachment_count
            ? h('span.files-count', { text: plural(t.attachment_count, 'file', 'files') }) : null,
          snippet(t.match)),
        cell('Status', statusBadge(t.status, who)),
        cell('Priority', priorityTag(t.priority)),
        cell('Category', categoryText(t.category)),
        who === 'agent' ? [
          cell('Requester', h('bdi', { text: t.requester ? t.requester.name : '' })),
          cell('Assignee', t.assignee ? h('bdi', { text: t.assignee.name })
            : h('span.muted', { text: 'Unassigned' })),
          cell('First response', h('span.sla', { dataset: { state: fr.state },
            class: 'sla ' + fr.state, text: fr.text })),
        ] : null,
        cell('Created', timeEl(t.created_at, ctx.user, true)),
        cell('Last Updated', timeEl(t.updated_at, ctx.user, true)));
    })));
}

function emptyState(who, filtered, f, base) {
  if (filtered || f.page > 1) {
    return h('div.empty', {},
      h('p', { text: 'No tickets match these filters.' }),
      h('a.button', { href: addressOf(base, { queue: f.queue, page: 1 }), text: 'Clear filters' }));
  }
  if (who === 'agent') {
    return h('div.empty', {}, h('p', { text: 'Nothing in this queue. Well done.' }));
  }
  return h('div.empty', {},
    h('p', { text: 'You have no support tickets yet. When something does not work, ' +
      'create a ticket: describe the problem, attach a screenshot or a log, and an ' +
      'agent will answer here and by e-mail.' }),
    h('a.button.primary', { href: '/customer/tickets/new', text: 'Create Ticket' }));
}

function pager(base, f, data) {
  const pages = Math.max(1, Math.ceil(data.total / PER_PAGE));
  const link = (page, label, rel) => h('a.button', {
    href: addressOf(base, Object.assign({}, f, { page })), rel, text: label });
  return h('nav.pager', { 'aria-label': 'Pagination' },
    f.page > 1 ? link(f.page - 1, 'Previous', 'prev') : null,
    h('span', { text: 'Page ' + f.page + ' of ' + pages + (data.total_capped ? '+' : '') +
      ' · ' + plural(data.total, 'ticket', 'tickets') }),
    data.tickets.length === PER_PAGE && (f.page < pages || data.total_capped)
      ? link(f.page + 1, 'Next', 'next') : null);
}
