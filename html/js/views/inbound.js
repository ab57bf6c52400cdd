// /agent/inbound: mail kept for review (GET /api/tickets/inbound), newest
// first: unknown senders, unverified senders, replies that could not be
// attributed.  Each can become a ticket of a chosen customer
// (POST .../{id}/ticket), a message on a ticket (POST .../{id}/append),
// or be discarded (DELETE .../{id}, after a confirmation).  Everything
// from the mail is shown as text.

import * as api from '../api.js';
import { h, field, notice, say, showFieldErrors, announce, openDialog,
  confirmDialog } from '../dom.js';
import { plural } from '../format.js';
import { timeEl } from '../ui.js';

const PER_PAGE = 25;

export async function inboundView(ctx) {
  const page = Math.max(1, parseInt(ctx.query.get('page'), 10) || 1);
  const data = await api.get('/api/tickets/inbound' + api.query({ page, per_page: PER_PAGE }));
  const status = notice('ok');
  const list = h('ol.inbound-list', { id: 'inbound-list' });
  const count = h('p.muted', { id: 'inbound-count' });
  const empty = h('p.card.muted', { id: 'inbound-empty', text: 'No mail is waiting for review.' });
  let left = data.total;
  const recount = () => {
    count.textContent = plural(left, 'mail', 'mails') + ' waiting for review';
    empty.hidden = list.children.length > 0;
  };
  const done = (item, message, link) => {
    item.remove();
    left = Math.max(0, left - 1);
    recount();
    status.replaceChildren(message, ...(link ? [' ', link] : []));
    status.hidden = false;
    announce(message);
  };
  for (const mail of data.inbound) list.append(itemOf(ctx, mail, done));
  recount();
  const pages = Math.ceil(data.total / PER_PAGE);
  const nav = pages > 1 ? h('nav.pager', { 'aria-label': 'Pages' },
    page > 1 ? h('a', { href: '/agent/inbound' + api.query({ page: page - 1 }), text: 'Newer' }) : null,
    h('span.muted', { text: ' Page ' + page + ' of ' + pages + ' ' }),
    page < pages ? h('a', { href: '/agent/inbound' + api.query({ page: page + 1 }), text: 'Older' }) : null)
    : null;
  return h('div.inbound', { id: 'inbound' },
    h('div.page-head', {}, h('div', {}, h('h1', { text: 'Inbox' }), count)),
    h('p.muted', { text: 'Mail that was not turned into a ticket or a reply by itself. ' +
      'Check the sender before you attach it to a customer.' }),
    status, empty, list, nav);
}

function itemOf(ctx, mail, done) {
  const titleId = 'inbound-' + mail.id + '-subject';
  const item = h('li.card.inbound-item', { dataset: { id: String(mail.id) } });
  const fact = (label, value) => h('div', {}, h('dt', { text: label }), h('dd', {}, value));
  item.append(
    h('h2', { id: titleId }, h('bdi.subject', { text: mail.subject || '(no subject)' })),
    h('dl.facts', {},
      fact('From', h('bdi.sender', { text: mail.from || '(no single sender)' })),
      fact('Received', timeEl(mail.received_at, ctx.user)),
      fact('Reason', h('span.reason', { text: mail.reason })),
      mail.attachment_count ? fact('Files', String(mail.attachment_count)) : null),
    h('p.preview.body', { text: mail.preview || '(no text)' }),
    h('div.actions', {},
      h('button.primary', { type: 'button', text: 'Create ticket',
        on: { click: () => createTicket(ctx, mail, item, done) } }),
      h('button', { type: 'button', text: 'Append to ticket',
        on: { click: () => appendTo(ctx, mail, item, done) } }),
      h('button.danger', { type: 'button', text: 'Discard',
        on: { click: () => discard(ctx, mail, item, done) } })));
  return item;
}

// A 401 means the session ended while the page was open.
function failed(ctx, box, e) {
  if (e instanceof api.ApiError && e.status === 401 && ctx.sessionEnded) {
    ctx.sessionEnded();
    return;
  }
  say(box, e.message);
}

// A dialog with one field; send(value) does the work and resolves to
// what done() is told.
function oneFieldDialog(ctx, { id, title, label, name, type, placeholder, submitText, intro, send }) {
  openDialog(title, (close) => {
    const error = notice('error');
    const input = h('input', { type, required: true, autocomplete: 'off', placeholder,
      maxlength: 254, autofocus: true });
    const submit = h('button.primary', { type: 'submit', text: submitText });
    const form = h('form', { id: id + '-form', novalidate: true },
      h('p', {}, intro), error, field(label, input, name, id + '-'),
      h('div.actions', {}, submit,
        h('button', { type: 'button', text: 'Cancel', on: { click: close } })));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      say(error, '');
      showFieldErrors(form, null);
      submit.disabled = true;
      try {
        await send(input.value.trim());
        close();
      } catch (e) {
        if (e instanceof api.ApiError && e.status === 422 && e.fields) {
          showFieldErrors(form, e.fields);
          input.focus();
        } else {
          failed(ctx, error, e);
        }
      } finally {
        submit.disabled = false;
      }
    });
    return form;
  }, { id });
}

function ticketLink(t) {
  return h('a', { href: '/agent/tickets/' + encodeURIComponent(t.number), text: 'View ' + t.number });
}

function createTicket(ctx, mail, item, done) {
  oneFieldDialog(ctx, {
    id: 'inbound-ticket', title: 'Create ticket', label: 'Requester e-mail',
    name: 'requester_email', type: 'email', placeholder: 'customer@example.com',
    submitText: 'Create ticket',
    intro: ['The mail becomes a new ticket of this customer, as if they had sent it: ',
      h('bdi', { text: mail.subject || '(no subject)' })],
    send: async (email) => {
      const { ticket } = await api.post('/api/tickets/inbound/' + mail.id + '/ticket',
        { requester_email: email });
      done(item, 'Ticket ' + ticket.number + ' created.', ticketLink(ticket));
    },
  });
}

function appendTo(ctx, mail, item, done) {
  oneFieldDialog(ctx, {
    id: 'inbound-append', title: 'Append to ticket', label: 'Ticket number',
    name: 'number', type: 'text', placeholder: 'TICK-1001', submitText: 'Append',
    intro: ['The mail is added to the ticket as a message of its requester: ',
      h('bdi', { text: mail.subject || '(no subject)' })],
    send: async (value) => {
      const number = /^\d+$/.test(value) ? 'TICK-' + value : value.toUpperCase();
      const { ticket } = await api.post('/api/tickets/inbound/' + mail.id + '/append',
        { number });
      done(item, 'Added to ' + ticket.number + '.', ticketLink(ticket));
    },
  });
}

async function discard(ctx, mail, item, done) {
  const yes = await confirmDialog('Discard mail',
    'The mail from ' + (mail.from || 'an unknown sender') + ' leaves the queue for good. ' +
    'Nobody is told.', 'Discard', { danger: true, id: 'inbound-discard' });
  if (!yes) return;
  try {
    await api.del('/api/tickets/inbound/' + mail.id);
    done(item, 'Mail discarded.');
  } catch (e) {
    const box = notice('error');
    item.append(box);
    failed(ctx, box, e);
  }
}
