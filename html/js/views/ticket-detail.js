// /customer/tickets/TICK-n and /agent/tickets/TICK-n: one ticket, its
// activity timeline (oldest first), license and files, and what the
// viewer may do: reply, close, reopen; agents also assign, change status,
// priority and category, and write internal notes.

import * as api from '../api.js';
import { h, select, notice, say, announce, openDialog, confirmDialog } from '../dom.js';
import { refresh } from '../router.js';
import { filePicker, progressBar } from '../files.js';
import { showApiError } from './ticket-form.js';
import {
  audience, statusLabel, statusOptions, categoryLabel, categoryOptions, priorityLabel,
  priorityOptions, responseTime, firstResponse,
} from '../format.js';
import {
  statusBadge, priorityTag, categoryText, timeEl, fileLinks, licenseBox,
} from '../ui.js';

export async function ticketDetailView(ctx) {
  const who = audience(ctx.user);
  const path = api.ticketPath(ctx.params.number);
  let t;
  let agents = null;
  try {
    [{ ticket: t }, agents] = await Promise.all([
      api.get(path),
      who === 'agent' ? api.get('/api/users?role=agent').then((r) => r.users) : null,
    ]);
  } catch (e) {
    if (e instanceof api.ApiError && (e.status === 404 || e.status === 400)) {
      return notFound(ctx, who);
    }
    throw e;
  }
  const page = { ctx, who, path, t, agents };
  return h('article.ticket', { id: 'ticket', dataset: { number: t.number, status: t.status } },
    h('div.page-head', {},
      h('div', {},
        h('p.crumbs', {}, h('a', { href: '/' + who + '/tickets', text: who === 'customer'
          ? 'Support Tickets' : 'Tickets' }), ' / ', h('span.number', { text: t.number })),
        h('h1.subject', { id: 'ticket-subject', dir: 'auto', text: t.subject })),
      headActions(page)),
    facts(page),
    h('div.columns', {},
      h('div.main-col', {},
        who === 'agent' ? agentControls(page) : null,
        h('h2', { id: 'activity-title', text: 'Activity' }),
        timeline(page),
        who === 'agent' ? agentForms(page) : customerReply(page)),
      h('aside.side-col', { 'aria-label': 'About this ticket' },
        who === 'agent' ? requesterBox(t) : null,
        t.license ? licenseBox(t.license, ctx.user) : null,
        filesBox(t))));
}

function notFound(ctx, who) {
  const n = ctx.params.number;
  return h('section.card.not-found', {},
    h('h1', { text: 'Ticket not found' }),
    h('p', { text: who === 'customer'
      ? 'There is no ticket ' + n + ' in your account. Check the number, or find it in your list.'
      : 'There is no ticket ' + n + '.' }),
    h('p', {}, h('a.button', { href: '/' + who + '/tickets',
      text: who === 'customer' ? 'Back to Support Tickets' : 'Back to Tickets' })));
}

function facts({ t, who, ctx }) {
  const fr = firstResponse(t);
  const target = 'Target: ' + responseTime(t.priority);
  let frText;
  if (fr.state === 'met') frText = [target + ' — met (', timeEl(t.first_response_at, ctx.user), ')'];
  else if (fr.state === 'missed') frText = [target + ' — answered late (', timeEl(t.first_response_at, ctx.user), ')'];
  else if (fr.state === 'overdue') frText = [target + ' — missed, an agent will answer as soon as possible'];
  else if (t.sla && t.sla.first_response_due_at && fr.state === 'due') {
    frText = [target + ' — due ', timeEl(t.sla.first_response_due_at, ctx.user)];
  } else frText = [target];
  const rows = [
    ['Status', statusBadge(t.status, who, { id: 'ticket-status' })],
    ['Priority', priorityTag(t.priority, { id: 'ticket-priority' })],
    ['Category', categoryText(t.category)],
    ['Created', timeEl(t.created_at, ctx.user)],
    ['Last Updated', timeEl(t.updated_at, ctx.user)],
    ['First response', h('span.first-response', { dataset: { state: fr.state } }, frText)],
  ];
  if (who === 'agent') {
    rows.push(['Assignee', t.assignee ? h('bdi', { text: t.assignee.name })
      : h('span.muted', { text: 'Unassigned' })]);
  }
  if (t.resolved_at) rows.push(['Resolved', timeEl(t.resolved_at, ctx.user)]);
  if (t.closed_at) rows.push(['Closed', timeEl(t.closed_at, ctx.user)]);
  return h('dl.facts.card', { id: 'facts' },
    rows.map(([k, v]) => h('div', {}, h('dt', { text: k }), h('dd', {}, v))));
}

// Close (with a confirmation) and Reopen (with the reason), for the
// requester; agents close through the status control.
function headActions({ t, who, path }) {
  const box = h('div.head-actions', {});
  const error = notice('error');
  if (who === 'customer' && t.status !== 'closed') {
    box.append(h('button', { type: 'button', id: 'close-ticket', text: 'Close ticket',
      on: { click: async (ev) => {
        const yes = await confirmDialog('Close this ticket?',
          'Close it when your issue is solved. You can reopen it within 30 days.',
          'Close ticket', { id: 'close-dialog' });
        if (yes) act(ev.target, error, () => api.patch(path, { status: 'closed' }), 'Ticket closed.');
      } } }));
  }
  if (t.can_reopen) {
    box.append(h('button.primary', { type: 'button', id: 'reopen-ticket', text: 'Reopen Ticket',
      on: { click: () => reopenDialog(path) } }));
  }
  box.append(error);
  return box;
}

function reopenDialog(path) {
  openDialog('Reopen Ticket', (close) => {
    const error = notice('error');
    const reason = h('textarea', { id: 'reopen-reason', name: 'body', rows: 4, required: true,
      maxlength: 20000 });
    const send = h('button.primary', { type: 'submit', id: 'reopen-submit', text: 'Reopen Ticket' });
    const form = h('form', { id: 'reopen-form', novalidate: true },
      error,
      h('div.field', {},
        h('label', { for: 'reopen-reason', text: 'What still needs attention?' }), reason),
      h('div.actions', {}, send,
        h('button', { type: 'button', text: 'Cancel', on: { click: close } })));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      if (!reason.value.trim()) {
        say(error, 'Tell us what still needs attention.');
        reason.focus();
        return;
      }
      send.disabled = true;
      try {
        await api.post(path + '/reopen', { body: reason.value });
      } catch (e) {
        say(error, e.message);
        send.disabled = false;
        return;
      }
      close();
      announce('Ticket reopened.');
      await refresh();
    });
    return form;
  }, { id: 'reopen-dialog' });
}

// The agent's controls: Assign to me, status, priority, category, assignee.
function agentControls({ t, path, ctx, agents }) {
  const error = notice('error');
  const status = select({ id: 'set-status', name: 'status' }, statusOptions('agent'), t.status);
  const priority = select({ id: 'set-priority', name: 'priority' }, priorityOptions(), t.priority);
  const category = select({ id: 'set-category', name: 'category' }, categoryOptions(), t.category);
  const assignee = select({ id: 'set-assignee', name: 'assignee_id' },
    [['', 'Unassigned']].concat(agents.map((u) => [String(u.id), u.name])),
    t.assignee ? String(t.assignee.id) : '');
  const save = h('button', { type: 'submit', id: 'save-ticket', text: 'Save changes' });
  const mine = t.assignee && t.assignee.id === ctx.user.id;
  const assignMe = mine ? null : h('button.primary', { type: 'button', id: 'assign-me',
    text: 'Assign to me',
    on: { click: (ev) => act(ev.target, error,
      () => api.patch(path, { assignee_id: ctx.user.id }), 'Assigned to you.') } });
  const lab = (id, text, control) => h('div.field', {}, h('label', { for: id, text }), control);
  const form = h('form.controls.card', { id: 'ticket-controls', 'aria-label': 'Ticket settings' },
    lab('set-status', 'Status', status),
    lab('set-priority', 'Priority', priority),
    lab('set-category', 'Category', category),
    lab('set-assignee', 'Assignee', assignee),
    h('div.actions', {}, save, assignMe), error);
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const change = {};
    if (status.value !== t.status) change.status = status.value;
    if (priority.value !== t.priority) change.priority = priority.value;
    if (category.value !== t.category) change.category = category.value;
    const current = t.assignee ? String(t.assignee.id) : '';
    if (assignee.value !== current) change.assignee_id = assignee.value ? Number(assignee.value) : null;
    if (!Object.keys(change).length) {
      say(error, 'Nothing has changed.');
      return;
    }
    act(save, error, () => api.patch(path, change), 'Ticket updated.');
  });
  return form;
}

function actorName(e) {
  if (!e.actor) return 'System';
  return e.actor.name;
}

// One sentence for what an entry did, in the viewer's words.
function describe(e, who) {
  switch (e.type) {
    case 'created': return 'opened the ticket';
    case 'message': return 'replied';
    case 'note': return 'added an internal note';
    case 'reopened': return 'reopened the ticket';
    case 'attachment_added': return 'added files';
    case 'sla_breached': return 'The first-response target passed without an answer';
    case 'status_changed':
      if (e.to === 'resolved') return 'marked the ticket resolved';
      if (e.to === 'closed') return e.actor ? 'closed the ticket'
        : 'closed the ticket after 7 days resolved';
      return 'changed the status from ' + statusLabel(e.from, who) + ' to ' + statusLabel(e.to, who);
    case 'priority_changed':
      return (e.actor ? 'changed' : 'raised') + ' the priority from ' +
        priorityLabel(e.from) + ' to ' + priorityLabel(e.to);
    case 'category_changed':
      return 'changed the category from ' + categoryLabel(e.from) + ' to ' + categoryLabel(e.to);
    case 'assigned':
      if (who === 'customer') return e.to ? 'Assigned to a support agent' : 'Unassigned';
      return e.to ? 'assigned the ticket to ' + e.to : 'unassigned the ticket';
    default:
      return e.type;
  }
}

// Entries that read as a sentence without an author in front.
function authorless(e, who) {
  return e.type === 'sla_breached' || (e.type === 'assigned' && who === 'customer');
}

function timeline({ t, who, ctx }) {
  return h('ol.timeline', { id: 'timeline', 'aria-labelledby': 'activity-title' },
    t.timeline.map((e) => {
      const staff = e.actor && e.actor.role !== 'customer';
      const speech = e.type === 'message' || e.type === 'note' || e.type === 'created' ||
        e.type === 'reopened';
      return h('li', {
        class: 'entry ' + (speech ? 'speech ' : 'event ') + e.type.replace(/_/g, '-') +
          (staff ? ' staff' : ''),
        dataset: { type: e.type, role: e.actor ? e.actor.role : 'system' },
      },
      h('div.entry-head', {},
        authorless(e, who) ? null : [h('strong.author', {}, h('bdi', { text: actorName(e) })),
          staff && speech ? h('span.tag.staff-tag', { text: 'Support' }) : null, ' '],
        h('span.what', { text: describe(e, who) }),
        e.type === 'note' ? h('span.tag.internal', { text: 'Internal' }) : null,
        e.via === 'email' ? h('span.tag.via', { text: 'by e-mail' }) : null,
        timeEl(e.at, ctx.user)),
      e.body ? h('div.body', { dir: 'auto', text: e.body }) : null,
      e.attachments && e.attachments.length ? fileLinks(e.attachments) : null,
      e.refused_attachments && e.refused_attachments.length
        ? h('ul.refused', {}, e.refused_attachments.map((r) => h('li', {},
          h('bdi', { text: r.filename }), ' was not attached: ' + r.reason)))
        : null);
    }));
}

function customerReply(page) {
  const { t } = page;
  if (t.status === 'closed') {
    return h('p.closed-note.card', { id: 'closed-note', text: 'This ticket is closed.' +
      (t.can_reopen ? ' Reopen it to write again.' : ' Create a new ticket if you need more help.') });
  }
  return messageForm(page, { id: 'reply-form', label: 'Your reply', button: 'Send Reply',
    heading: 'Reply', internal: false, prefix: 'reply-' });
}

function agentForms(page) {
  const { t } = page;
  return h('div.agent-forms', {},
    t.status === 'closed'
      ? h('p.closed-note.card', { text: 'This ticket is closed: reopen it to reply.' })
      : messageForm(page, { id: 'reply-form', label: 'Reply to customer', button: 'Send Reply',
        heading: 'Public reply', internal: false, prefix: 'reply-' }),
    messageForm(page, { id: 'note-form', label: 'Internal note', button: 'Add internal note',
      heading: 'Note for agents', internal: true, prefix: 'note-',
      hint: 'Only agents see notes; they are never mailed to the customer.' }));
}

// A reply or note form with its own files and upload progress.
function messageForm({ path }, o) {
  const error = notice('error');
  const bodyId = o.prefix + 'body';
  const body = h('textarea', { id: bodyId, name: 'body', rows: 5, required: true,
    maxlength: 20000 });
  const files = filePicker({ prefix: o.prefix });
  const progress = progressBar({ prefix: o.prefix });
  const send = h('button', { type: 'submit', class: o.internal ? 'note-button' : 'primary',
    id: o.prefix + 'submit', text: o.button });
  const form = h('form', { id: o.id, class: 'message-form card' +
    (o.internal ? ' note-form' : ''), novalidate: true, 'aria-labelledby': o.id + '-title' },
  h('h3', { id: o.id + '-title', text: o.heading }),
  o.hint ? h('p.hint', { text: o.hint }) : null,
  error,
  h('div.field', {}, h('label', { for: bodyId, text: o.label }), body),
  files.el, progress.el,
  h('div.actions', {}, send));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    say(error, '');
    files.setError('');
    if (!body.value.trim()) {
      say(error, 'Write something first.');
      body.focus();
      return;
    }
    if (files.refused()) {
      files.setError('Remove the files marked above, or replace them.');
      return;
    }
    const chosen = files.accepted();
    send.disabled = true;
    try {
      if (chosen.length) {
        const data = new FormData();
        data.append('body', body.value);
        if (o.internal) data.append('internal', 'true');
        for (const f of chosen) data.append('attachments', f, f.name);
        progress.show();
        await api.upload('POST', path + '/messages', data, { onProgress: progress.set });
      } else {
        await api.post(path + '/messages', { body: body.value, internal: o.internal });
      }
    } catch (e) {
      progress.hide();
      send.disabled = false;
      showApiError(form, error, files, e);
      return;
    }
    announce(o.internal ? 'Internal note added.' : 'Reply sent.');
    await refresh();
  });
  return form;
}

function requesterBox(t) {
  const r = t.requester || {};
  return h('section.card.requester', { id: 'requester', 'aria-labelledby': 'requester-title' },
    h('h2', { id: 'requester-title', text: 'Requester' }),
    h('dl.facts.compact', {},
      h('div', {}, h('dt', { text: 'Name' }), h('dd', {}, h('bdi', { text: r.name || '' }))),
      h('div', {}, h('dt', { text: 'Email' }), h('dd', {}, r.email
        ? h('a', { href: 'mailto:' + r.email }, h('bdi', { text: r.email })) : '')),
      r.account ? h('div', {}, h('dt', { text: 'Account' }),
        h('dd', {}, h('bdi', { text: r.account.name }))) : null));
}

function filesBox(t) {
  return h('section.card.files', { id: 'attachments', 'aria-labelledby': 'files-title' },
    h('h2', { id: 'files-title', text: 'Files' }),
    t.attachments && t.attachments.length ? fileLinks(t.attachments)
      : h('p.muted', { text: 'No files.' }));
}

// Runs an API change, shows its error, and shows the ticket again after.
async function act(button, errorBox, call, done) {
  say(errorBox, '');
  button.disabled = true;
  try {
    await call();
  } catch (e) {
    say(errorBox, e.message);
    button.disabled = false;
    return;
  }
  if (done) announce(done);
  await refresh();
}
