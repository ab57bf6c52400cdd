// /reset-password: ask for a reset link by e-mail; with ?token= (the
// link in that mail), choose the new password.  Both work signed out.

import * as api from '../api.js';
import { h, field, notice, say, showFieldErrors } from '../dom.js';

export function resetPasswordView(ctx) {
  const token = ctx.query.get('token');
  return token ? confirmForm(ctx, token) : requestForm(ctx);
}

function requestForm() {
  const error = notice('error');
  const done = notice('status');
  const email = h('input', { type: 'email', autocomplete: 'username', required: true });
  const submit = h('button.primary', { type: 'submit', id: 'reset-request-submit',
    text: 'Send reset link' });
  const form = h('form.card.narrow', { id: 'reset-request-form', novalidate: true },
    h('h1', { text: 'Reset your password' }),
    h('p.muted', { text: 'Enter the email address of your account. We will send you a link ' +
      'to choose a new password; it works once, for one hour.' }),
    error, done,
    field('Email', email, 'email', 'reset-'),
    h('div.actions', {}, submit),
    h('p', {}, h('a', { href: '/login', text: 'Back to sign in' })));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    say(error, '');
    say(done, '');
    if (!email.value.trim()) {
      say(error, 'Enter your email address.');
      email.focus();
      return;
    }
    submit.disabled = true;
    try {
      await api.post('/api/auth/password-reset', { email: email.value.trim() });
      say(done, 'If an account has this address, a reset link is on its way. ' +
        'Check your inbox.');
    } catch (e) {
      say(error, e.message);
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}

function confirmForm(ctx, token) {
  const error = notice('error');
  const password = h('input', { type: 'password', autocomplete: 'new-password',
    required: true, minlength: 10, maxlength: 1024 });
  const again = h('input', { type: 'password', autocomplete: 'new-password', required: true });
  const submit = h('button.primary', { type: 'submit', id: 'reset-confirm-submit',
    text: 'Set new password' });
  const form = h('form.card.narrow', { id: 'reset-confirm-form', novalidate: true },
    h('h1', { text: 'Choose a new password' }),
    h('p.muted', { text: 'At least 10 characters; not your email address and not a ' +
      'common or dictionary word. Every session of yours ends when it is set.' }),
    error,
    field('New password', password, 'new_password', 'reset-'),
    field('New password again', again, 'new_password_again', 'reset-'),
    h('div.actions', {}, submit));
  const wrap = h('div', {}, form);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    say(error, '');
    showFieldErrors(form, null);
    if (password.value !== again.value) {
      showFieldErrors(form, { new_password_again: 'The two passwords differ.' });
      again.focus();
      return;
    }
    submit.disabled = true;
    try {
      await api.post('/api/auth/password-reset/confirm',
        { token, new_password: password.value });
      wrap.replaceChildren(h('div.card.narrow', { id: 'reset-done' },
        h('h1', { text: 'Password changed' }),
        h('p.notice', { role: 'status', dataset: { kind: 'ok' },
          text: 'Your new password is set. Sign in with it.' }),
        h('div.actions', {}, h('a.button.primary', { href: '/login', text: 'Sign in' }))));
    } catch (e) {
      if (e.fields) showFieldErrors(form, e.fields);
      say(error, e.fields && e.fields.token
        ? 'This link is used up or expired. Ask for a new one on the sign-in page.'
        : e.message);
      if (e.fields && e.fields.new_password) password.focus();
    } finally {
      submit.disabled = false;
    }
  });
  return wrap;
}
