// /customer/tickets/new: a new ticket.  422 field messages appear next
// to their fields.

import * as api from '../api.js';
import { h, select, field, notice, say, showFieldErrors } from '../dom.js';
import { navigate } from '../router.js';
import { CATEGORIES, PRIORITIES, capitalize } from '../format.js';

export function newTicketView() {
  const error = notice('error');
  const submit = h('button.primary', { type: 'submit', id: 'new-submit', text: 'Create ticket' });
  const form = h('form.card', { id: 'new-ticket', novalidate: true },
    h('h1', { text: 'New ticket' }),
    error,
    field('Subject', h('input', { type: 'text', maxlength: 200, required: true }), 'subject'),
    h('div.row', {},
      field('Category', select({ required: true },
        [['', 'Choose…']].concat(CATEGORIES.map((c) => [c, capitalize(c)])), ''), 'category'),
      field('Priority', select({},
        PRIORITIES.map((p) => [p, capitalize(p)]), 'normal'), 'priority')),
    field('Description', h('textarea', { rows: 8, required: true }), 'description'),
    h('div.actions', {}, submit,
      h('a.button', { href: '/customer/tickets', text: 'Cancel' })));
  // One key per form: a retried submit cannot make a second ticket.
  const idempotencyKey = 'portal-' + Date.now().toString(36) + '-' +
    Math.random().toString(36).slice(2);
  let lastBody = null;
  let key = idempotencyKey;
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    say(error, '');
    showFieldErrors(form, null);
    const el = form.elements;
    const body = {
      subject: el.subject.value,
      category: el.category.value,
      priority: el.priority.value,
      description: el.description.value,
    };
    // A changed form is a new request: it gets a new key.
    const text = JSON.stringify(body);
    if (lastBody !== null && lastBody !== text) key = idempotencyKey + '-' + Date.now();
    lastBody = text;
    submit.disabled = true;
    try {
      const r = await api.request('POST', '/api/tickets', body, { 'Idempotency-Key': key });
      navigate('/customer/tickets/' + encodeURIComponent(r.ticket.number));
    } catch (e) {
      say(error, e.message);
      if (e.fields) showFieldErrors(form, e.fields);
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}
