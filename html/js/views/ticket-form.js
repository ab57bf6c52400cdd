// The create-ticket form, on /customer/tickets/new and in the Help
// dialog: subject, category, priority with its response time, description,
// license key, files with upload progress.  Field errors (the page's own
// checks first, then the API's 422 "fields") appear beside their fields.

import * as api from '../api.js';
import { h, select, field, notice, say, showFieldErrors, announce } from '../dom.js';
import { filePicker, progressBar } from '../files.js';
import {
  audience, categoryOptions, priorityOptions, responseTime,
} from '../format.js';

const KEY_RE = /^[A-Z0-9]{5}(-[A-Z0-9]{5}){3}$/;

// ticketForm(ctx, {prefix, onCreated(ticket)}) → <form>
export function ticketForm(ctx, { prefix = '', onCreated }) {
  const staff = audience(ctx.user) === 'agent';
  const error = notice('error');
  const files = filePicker({ prefix });
  const progress = progressBar({ prefix });
  const hint = h('p.hint', { id: prefix + 'priority-hint', 'aria-live': 'polite' });
  const warning = h('p.warning', { id: prefix + 'critical-warning', hidden: true,
    text: 'Critical is for real emergencies: production is down or data is at risk, ' +
      'and nobody can work. Critical tickets page the on-call agent around the clock.' });
  const priority = select({ 'aria-describedby': prefix + 'priority-hint' },
    priorityOptions(), 'normal');
  const showHint = () => {
    hint.textContent = 'Typical first response: ' + responseTime(priority.value) + '.';
    warning.hidden = priority.value !== 'critical';
  };
  priority.addEventListener('change', showHint);
  showHint();

  const submit = h('button.primary', { type: 'submit', id: prefix + 'new-submit',
    text: 'Submit Ticket' });
  const form = h('form.ticket-form', { id: prefix + 'new-ticket', novalidate: true },
    error,
    field('Subject', h('input', { type: 'text', maxlength: 200, required: true,
      autocomplete: 'off' }), 'subject', prefix),
    h('div.row', {},
      field('Category', select({ required: true },
        [['', 'Choose a category']].concat(categoryOptions()), ''), 'category', prefix),
      withNotes(field('Priority', priority, 'priority', prefix), hint, warning)),
    field('Description', h('textarea', { rows: 8, required: true, maxlength: 20000,
      placeholder: 'What happened, what you expected, and what you tried' }),
    'description', prefix),
    field('License Key (optional)', h('input', { type: 'text', maxlength: 23,
      placeholder: 'ABCDE-FGHIJ-KLMNO-12345', autocomplete: 'off', spellcheck: 'false' }),
    'license_key', prefix),
    staff ? field('Requester email (optional)', h('input', { type: 'email',
      autocomplete: 'off' }), 'requester_email', prefix) : null,
    files.el,
    progress.el,
    h('div.actions', {}, submit));

  // One key per form content: a retried submit cannot make a second
  // ticket, a changed form is a new request.
  const base = 'portal-' + Date.now().toString(36) + '-' + Math.random().toString(36).slice(2);
  let lastBody = null;
  let key = base;

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    say(error, '');
    files.setError('');
    const el = form.elements;
    const body = {
      subject: el.subject.value.trim(),
      category: el.category.value,
      priority: priority.value,
      description: el.description.value,
    };
    const licenseKey = el.license_key.value.trim().toUpperCase();
    if (licenseKey) body.license_key = licenseKey;
    if (staff && el.requester_email.value.trim()) {
      body.requester_email = el.requester_email.value.trim();
    }
    const problems = check(body);
    showFieldErrors(form, problems);
    if (files.refused()) {
      files.setError('Remove the files marked above, or replace them.');
      problems.attachments = true;
    }
    if (Object.keys(problems).length) {
      say(error, 'Please correct the marked fields.');
      const first = form.querySelector('[aria-invalid]') || el.attachments;
      if (first) first.focus();
      return;
    }
    const chosen = files.accepted();
    const text = JSON.stringify(body) + chosen.map((f) => f.name + f.size).join();
    if (lastBody !== null && lastBody !== text) key = base + '-' + Date.now();
    lastBody = text;
    submit.disabled = true;
    files.disabled(true);
    try {
      let r;
      if (chosen.length) {
        const data = new FormData();
        for (const [k, v] of Object.entries(body)) data.append(k, v);
        for (const f of chosen) data.append('attachments', f, f.name);
        progress.show();
        r = await api.upload('POST', '/api/tickets', data, {
          onProgress: progress.set, headers: { 'Idempotency-Key': key } });
      } else {
        r = await api.request('POST', '/api/tickets', body, { 'Idempotency-Key': key });
      }
      announce('Ticket ' + r.ticket.number + ' created.');
      onCreated(r.ticket);
    } catch (e) {
      progress.hide();
      if (e.status === 401) return ctx.sessionEnded();
      showApiError(form, error, files, e);
    } finally {
      submit.disabled = false;
      files.disabled(false);
    }
  });
  return form;
}

function withNotes(wrap, ...notes) {
  wrap.append(...notes);
  return wrap;
}

// The page's own checks, the same rules as the API's.
function check(b) {
  const p = {};
  if (!b.subject) p.subject = 'Enter a subject.';
  else if (b.subject.length > 200) p.subject = 'At most 200 characters.';
  // eslint-disable-next-line no-control-regex
  else if (/[\u0000-\u001f\u007f]/.test(b.subject)) p.subject = 'One line, please.';
  if (!b.category) p.category = 'Choose a category.';
  if (!b.description.trim()) p.description = 'Describe the problem.';
  else if (b.description.length > 20000) p.description = 'At most 20,000 characters.';
  if (b.license_key && !KEY_RE.test(b.license_key)) {
    p.license_key = 'A key is four groups of five letters or digits: ABCDE-FGHIJ-KLMNO-12345.';
  }
  return p;
}

// An API error beside the right field: files for 413/415/too_many_files,
// the 422 field messages beside theirs, the rest at the top.
export function showApiError(form, box, files, e) {
  const fileCodes = ['file_too_large', 'file_type_not_allowed', 'too_many_files'];
  if (fileCodes.includes(e.code) || (e.status === 413 && files)) {
    if (files) files.setError(e.message);
    say(box, 'The files were not accepted: nothing was sent.');
    return;
  }
  if (e.fields) {
    showFieldErrors(form, e.fields);
    if (e.fields.attachments && files) files.setError(e.fields.attachments);
  }
  say(box, e.message);
}
