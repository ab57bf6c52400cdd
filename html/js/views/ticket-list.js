// /customer/tickets and /agent/tickets: the tickets the user may see, with
// filters kept in the address so that reload and Back keep them.

import * as api from '../api.js';
import { h, select } from '../dom.js';
import { navigate } from '../router.js';
import { audience, statusLabel, statusOptions, capitalize, when } from '../format.js';

const PER_PAGE = 25;

const SORTS = [
  ['-updated_at', 'Recently updated'], ['updated_at', 'Least recently updated'],
  ['-created_at', 'Newest'], ['created_at', 'Oldest'],
  ['-priority', 'Highest priority'], ['priority', 'Lowest priority'],
];

export async function ticketListView(ctx) {
  const who = audience(ctx.user);
  const base = '/' + who + '/tickets';
  const q = ctx.query;
  const filters = {
    status: q.get('status') || '',
    q: q.get('q') || '',
    page: Math.max(1, parseInt(q.get('page'), 10) || 1),
  };
  if (who === 'agent') {
    filters.assignee = q.get('assignee') || '';
    filters.breached = q.get('breached') || '';
    filters.sort = q.get('sort') || '';
  }
  const data = await api.get('/api/tickets' + api.query(Object.assign({}, filters,
    { per_page: PER_PAGE, page: filters.page })));

  const form = filterForm(who, filters, (values) =>
    navigate(base + api.query(values)));
  const pages = Math.max(1, Math.ceil(data.total / PER_PAGE));
  const pageLink = (page, label) => h('a.button', {
    href: base + api.query(Object.assign({}, filters, { page: page > 1 ? page : '' })),
    rel: label === 'Previous' ? 'prev' : 'next', text: label });

  return h('section', {},
    h('div.page-head', {},
      h('h1', { text: who === 'customer' ? 'My tickets' : 'All tickets' }),
      who === 'customer' ? h('a.button.primary', { href: '/customer/tickets/new',
        text: 'New ticket' }) : null),
    form,
    data.tickets.length
      ? ticketTable(who, base, data.tickets)
      : h('p.empty', { text: 'No tickets match.' }),
    h('nav.pager', { 'aria-label': 'Pages' },
      filters.page > 1 ? pageLink(filters.page - 1, 'Previous') : null,
      h('span', { text: 'Page ' + filters.page + ' of ' + pages + ' · ' +
        data.total + (data.total === 1 ? ' ticket' : ' tickets') }),
      filters.page < pages ? pageLink(filters.page + 1, 'Next') : null));
}

function filterForm(who, f, apply) {
  const controls = [
    h('label', {}, 'Status ', select({ name: 'status' },
      [['', 'Any']].concat(statusOptions(who)), f.status)),
  ];
  if (who === 'agent') {
    controls.push(
      h('label', {}, 'Assignee ', select({ name: 'assignee' },
        [['', 'Anyone'], ['me', 'Me'], ['none', 'Nobody']], f.assignee)),
      h('label', {}, 'SLA ', select({ name: 'breached' },
        [['', 'Any'], ['true', 'Breached'], ['false', 'Not breached']], f.breached)),
      h('label', {}, 'Sort ', select({ name: 'sort' }, SORTS, f.sort || '-updated_at')));
  }
  controls.push(
    h('label.grow', {}, 'Search ', h('input', { type: 'search', name: 'q', value: f.q,
      maxlength: 200, placeholder: 'Words or TICK-1001' })),
    h('button', { type: 'submit', text: 'Filter' }));
  const form = h('form.filters', { id: 'filters', role: 'search' }, controls);
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const values = {};
    for (const el of form.elements) {
      if (el.name) values[el.name] = el.value;
    }
    if (values.sort === '-updated_at') values.sort = '';
    apply(values);
  });
  form.addEventListener('change', (ev) => {
    if (ev.target.tagName === 'SELECT') form.requestSubmit();
  });
  return form;
}

function ticketTable(who, base, tickets) {
  const head = ['Ticket', 'Subject', 'Status', 'Priority'];
  if (who === 'agent') head.push('Requester', 'Assignee', 'SLA');
  head.push('Updated');
  return h('table.tickets', { id: 'ticket-list' },
    h('thead', {}, h('tr', {}, head.map((t) => h('th', { scope: 'col', text: t })))),
    h('tbody', {}, tickets.map((t) => h('tr', { dataset: { number: t.number } },
      h('td', {}, h('a', { href: base + '/' + encodeURIComponent(t.number), text: t.number })),
      h('td.subject', {}, h('a', { href: base + '/' + encodeURIComponent(t.number) },
        h('bdi', { text: t.subject }))),
      h('td', {}, h('span.status', { dataset: { status: t.status },
        text: statusLabel(t.status, who) })),
      h('td', {}, h('span.priority', { dataset: { priority: t.priority },
        text: capitalize(t.priority) })),
      who === 'agent' ? [
        h('td', {}, h('bdi', { text: t.requester ? t.requester.name : '' })),
        h('td', {}, t.assignee ? h('bdi', { text: t.assignee.name })
          : h('span.muted', { text: 'Nobody' })),
        h('td', {}, t.sla && t.sla.breached
          ? h('span.badge.breached', { text: 'Breached' })
          : h('span.muted', { text: t.sla && t.sla.first_response_due_at && !t.first_response_at
            ? 'Due ' + when(t.sla.first_response_due_at) : '—' })),
      ] : null,
      h('td.when', { text: when(t.updated_at) })))));
}
