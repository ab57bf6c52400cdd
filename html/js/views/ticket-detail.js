// /customer/tickets/TICK-n and /agent/tickets/TICK-n: one ticket, its
// timeline (oldest first), license and files, and what the user may do.

import * as api from '../api.js';
import { h, select, notice, say } from '../dom.js';
import { refresh } from '../router.js';
import {
  audience, statusLabel, statusOptions, capitalize, when, bytes, PRIORITIES,
} from '../format.js';

export async function ticketDetailView(ctx) {
  const who = audience(ctx.user);
  const path = api.ticketPath(ctx.params.number);
  const [{ ticket: t }, agents] = await Promise.all([
    api.get(path),
    who === 'agent' ? api.get('/api/users?role=agent').then((r) => r.users) : null,
  ]);
  const page = { ctx, who, path, t };
  return h('article.ticket', { id: 'ticket', dataset: { number: t.number } },
    h('div.page-head', {},
      h('div', {},
        h('p.number', { text: t.number }),
        h('h1.subject', { id: 'ticket-subject', dir: 'auto', text: t.subject })),
      who === 'customer' ? customerActions(page) : null),
    facts(page),
    who === 'agent' ? agentControls(page, agents) : null,
    h('div.columns', {},
      h('div.main-col', {},
        h('h2', { text: 'Conversation' }),
        timeline(page),
        replyForm(page)),
      h('aside.side-col', {},
        t.license ? licenseBox(t.license) : null,
        attachmentList(t.attachments))));
}

function facts({ t, who }) {
  const rows = [
    ['Status', h('span.status', { id: 'ticket-status', dataset: { status: t.status },
      text: statusLabel(t.status, who) })],
    ['Priority', h('span.priority', { id: 'ticket-priority', dataset: { priority: t.priority },
      text: capitalize(t.priority) })],
    ['Category', capitalize(t.category)],
    ['Opened', when(t.created_at)],
  ];
  if (who === 'agent') {
    rows.push(['Requester', h('bdi', { text: t.requester.name + ' <' + t.requester.email + '>' })]);
    rows.push(['Assignee', t.assignee ? h('bdi', { text: t.assignee.name }) : 'Nobody']);
    if (t.sla && t.sla.breached) {
      rows.push(['SLA', h('span.badge.breached', { text: 'Breached' })]);
    }
    if (t.first_response_at) rows.push(['First response', when(t.first_response_at)]);
    else if (t.sla) rows.push(['First response due', when(t.sla.first_response_due_at) || '—']);
  }
  return h('dl.facts', {}, rows.map(([k, v]) => h('div', {}, h('dt', { text: k }), h('dd', {}, v))));
}

// The customer's buttons: close an open ticket, reopen a closed one.
function customerActions({ t, path }) {
  const error = notice('error');
  const box = h('div.head-actions', {}, error);
  if (t.status !== 'closed') {
    box.append(h('button', { type: 'button', id: 'close-ticket', text: 'Close ticket',
      on: { click: (ev) => act(ev.target, error, () => api.patch(path, { status: 'closed' })) } }));
  } else if (t.can_reopen) {
    const reason = h('textarea', { id: 'reopen-reason', name: 'body', rows: 2, required: true,
      placeholder: 'Why does this need another look?' });
    const form = h('form.reopen', { id: 'reopen-form' },
      h('label', { for: 'reopen-reason', text: 'Reopen this ticket' }), reason,
      h('button', { type: 'submit', id: 'reopen-ticket', text: 'Reopen' }));
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      act(form.querySelector('button'), error,
        () => api.post(path + '/reopen', { body: reason.value }));
    });
    box.append(form);
  }
  return box;
}

// The agent's status, priority and assignee controls (PATCH).
function agentControls({ t, path }, agents) {
  const error = notice('error');
  const status = select({ id: 'set-status', name: 'status' }, statusOptions('agent'), t.status);
  const priority = select({ id: 'set-priority', name: 'priority' },
    PRIORITIES.map((p) => [p, capitalize(p)]), t.priority);
  const assigneeOptions = [['', 'Nobody']].concat(agents.map((u) => [String(u.id), u.name]));
  const assignee = select({ id: 'set-assignee', name: 'assignee_id' }, assigneeOptions,
    t.assignee ? String(t.assignee.id) : '');
  const save = h('button', { type: 'submit', id: 'save-ticket', text: 'Save changes' });
  const form = h('form.controls.card', { id: 'ticket-controls' },
    h('label', {}, 'Status ', status),
    h('label', {}, 'Priority ', priority),
    h('label', {}, 'Assignee ', assignee),
    save, error);
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const change = {};
    if (status.value !== t.status) change.status = status.value;
    if (priority.value !== t.priority) change.priority = priority.value;
    const current = t.assignee ? String(t.assignee.id) : '';
    if (assignee.value !== current) {
      change.assignee_id = assignee.value ? Number(assignee.value) : null;
    }
    if (!Object.keys(change).length) {
      say(error, 'Nothing has changed.');
      return;
    }
    act(save, error, () => api.patch(path, change));
  });
  return form;
}

const VERBS = {
  created: 'opened the ticket',
  message: 'replied',
  note: 'added an internal note',
  reopened: 'reopened the ticket',
  attachment_added: 'added files',
  sla_breached: 'The first response is overdue',
};

function describe(e, who) {
  const label = (v) => (e.type === 'status_changed' ? statusLabel(v, who) : capitalize(v));
  switch (e.type) {
    case 'status_changed':
    case 'priority_changed':
    case 'category_changed':
      return 'changed the ' + e.type.replace('_changed', '') + ' from ' +
        label(e.from) + ' to ' + label(e.to);
    case 'assigned':
      return e.to ? 'assigned the ticket to ' + e.to : 'unassigned the ticket';
    default:
      return VERBS[e.type] || e.type;
  }
}

function timeline({ t, who }) {
  return h('ol.timeline', { id: 'timeline' }, t.timeline.map((e) => {
    const author = e.actor ? e.actor.name : 'System';
    const role = e.actor && e.actor.role !== 'customer' ? 'staff' : 'customer';
    return h('li.entry', { dataset: { type: e.type, role } },
      h('div.entry-head', {},
        h('strong.author', {}, h('bdi', { text: author })),
        ' ',
        h('span.what', { text: describe(e, who) }),
        e.type === 'note' ? h('span.badge.internal', { text: 'Internal' }) : null,
        h('time', { datetime: e.at, text: when(e.at) })),
      e.body ? h('div.body', { dir: 'auto', text: e.body }) : null,
      e.attachments && e.attachments.length ? fileLinks(e.attachments) : null);
  }));
}

function replyForm({ t, who, path }) {
  if (t.status === 'closed') {
    return h('p.muted', { text: 'This ticket is closed.' +
      (who === 'customer' && t.can_reopen ? ' Reopen it to write again.' : '') });
  }
  const error = notice('error');
  const body = h('textarea', { id: 'reply-body', name: 'body', rows: 5, required: true,
    'aria-label': 'Your reply' });
  const internal = who === 'agent'
    ? h('label.check', {}, h('input', { type: 'checkbox', id: 'reply-internal', name: 'internal' }),
      ' Internal note (only agents see it)')
    : null;
  const send = h('button.primary', { type: 'submit', id: 'reply-submit', text: 'Send' });
  const form = h('form.reply.card', { id: 'reply-form' },
    h('h3', { text: who === 'agent' ? 'Answer' : 'Reply' }),
    error, body, h('div.actions', {}, internal, send));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    if (!body.value.trim()) {
      say(error, 'Write something first.');
      return;
    }
    const payload = { body: body.value };
    if (internal) payload.internal = internal.querySelector('input').checked;
    act(send, error, () => api.post(path + '/messages', payload));
  });
  return form;
}

function licenseBox(l) {
  const row = (k, v) => h('div', {}, h('dt', { text: k }), h('dd', {}, v));
  return h('section.card.license', { id: 'license' },
    h('h2', { text: 'License' }),
    h('dl', {},
      row('Key', h('code', { text: l.key })),
      row('Product', l.product),
      row('Status', h('span.badge', { dataset: { license: l.status }, text: capitalize(l.status) })),
      row('Expires', l.expires_at ? when(l.expires_at) : 'Never'),
      row('Activations', l.activations_used + ' of ' + l.activations_max)),
    l.activations && l.activations.length
      ? h('ul.activations', {}, l.activations.map((a) => h('li', {},
        h('bdi', { text: a.machine }),
        h('span.muted', { text: ' · ' + when(a.activated_at) +
          (a.deactivated_at ? ' (deactivated ' + when(a.deactivated_at) + ')' : '') }))))
      : null);
}

function attachmentList(files) {
  return h('section.card.files', { id: 'attachments' },
    h('h2', { text: 'Files' }),
    files && files.length ? fileLinks(files) : h('p.muted', { text: 'No files.' }));
}

function fileLinks(files) {
  return h('ul.file-list', {}, files.map((f) => h('li', {},
    // Only the API's own download path is ever a link target.
    /^\/api\/tickets\/[^/]+\/attachments\/[^/]+$/.test(f.url || '')
      ? h('a', { href: f.url, download: f.filename }, h('bdi', { text: f.filename }))
      : h('bdi', { text: f.filename }),
    h('span.muted', { text: ' ' + bytes(f.size) }))));
}

// Runs an API change, shows its error, and shows the ticket again after.
async function act(button, errorBox, call) {
  say(errorBox, '');
  button.disabled = true;
  try {
    await call();
  } catch (e) {
    say(errorBox, e.message);
    button.disabled = false;
    return;
  }
  await refresh();
}
