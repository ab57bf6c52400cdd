// The portal's entry point: who is signed in, the navigation bar with its
// Help button, and which view each path shows.  A path of the other role
// (a customer's link opened by an agent) shows the same thing in the
// viewer's own area; a signed-out visit goes to /login and back after.
// A session that may only set two-factor sign-in up (staff, when the
// service requires it) sees /setup-2fa and nothing else until it is on.

import * as api from './api.js';
import { h, openDialog } from './dom.js';
import { route, start, navigate } from './router.js';
import { loginView, safeNext } from './views/login.js';
import { ticketListView } from './views/ticket-list.js';
import { newTicketView, tipsBox } from './views/ticket-new.js';
import { ticketForm } from './views/ticket-form.js';
import { ticketDetailView } from './views/ticket-detail.js';
import { settingsView } from './views/settings.js';
import { resetPasswordView } from './views/reset-password.js';
import { inboundView } from './views/inbound.js';
import { setupTwoFactorView } from './views/setup-2fa.js';
import { notFoundView } from './views/not-found.js';

const session = { user: null, checked: false };

function areaOf(user) {
  return user.role === 'customer' ? 'customer' : 'agent';
}

export function homeFor(user) {
  return user ? '/' + areaOf(user) + '/tickets' : '/login';
}

route('/', null);
route('/login', loginView);
route('/reset-password', resetPasswordView);
route('/setup-2fa', setupTwoFactorView);
for (const area of ['customer', 'agent']) {
  route('/' + area + '/tickets', ticketListView);
  route('/' + area + '/tickets/new', newTicketView);
  route('/' + area + '/tickets/:number', ticketDetailView);
  route('/' + area + '/settings', settingsView);
}
// Mail kept for review: agents only (a customer's visit shows "not found").
route('/agent/inbound', (ctx) => (ctx.user && ctx.user.role !== 'customer'
  ? inboundView(ctx) : notFoundView(ctx)));

function renderNav(path) {
  const nav = document.getElementById('nav');
  const user = session.user;
  if (!user) {
    nav.replaceChildren();
    return;
  }
  const logout = h('button.link', { type: 'button', id: 'logout', text: 'Sign out',
    on: { click: signOut } });
  const who = h('span.who', { title: user.email }, h('bdi', { text: user.name }));
  if (user.setupRequired) {
    nav.replaceChildren(who, logout);
    return;
  }
  const area = areaOf(user);
  const link = (href, text, match) => h('a', { href, text,
    'aria-current': match ? 'page' : null });
  const links = [
    link('/' + area + '/tickets', area === 'customer' ? 'My tickets' : 'Tickets',
      path.startsWith('/' + area + '/tickets')),
    area === 'agent' ? link('/agent/inbound', 'Inbox', path === '/agent/inbound') : null,
    link('/' + area + '/settings', 'Settings', path === '/' + area + '/settings'),
  ].filter(Boolean);
  const help = h('button.help', { type: 'button', id: 'help-button', text: 'Help',
    'aria-haspopup': 'dialog', on: { click: openHelp } });
  nav.replaceChildren(...links, help, who, logout);
}

// Help: ticket creation at once, in a dialog over the page the user is
// on; they stay there after creating, with a link to the new ticket.
function openHelp() {
  const ctx = viewContext();
  openDialog('Create Ticket', (close) => {
    const body = h('div.help-body', {});
    const form = ticketForm(ctx, {
      prefix: 'help-',
      onCreated: (t) => {
        const href = homeFor(session.user) + '/' + encodeURIComponent(t.number);
        body.replaceChildren(
          h('p.notice', { role: 'status', dataset: { kind: 'ok' },
            text: 'Ticket ' + t.number + ' created. We will answer by e-mail and on its page.' }),
          h('div.actions', {},
            h('a.button.primary', { href, text: 'View ' + t.number,
              on: { click: () => close() } }),
            h('button', { type: 'button', text: 'Close', on: { click: close } })));
        body.querySelector('a').focus();
      },
    });
    body.append(form);
    return h('div.help-layout', {}, body, tipsBox());
  }, { id: 'help-dialog' });
}

async function signOut() {
  try {
    await api.logout();
  } catch (e) {
    // The session is gone on our side either way.
  }
  session.user = null;
  navigate('/login');
}

function signedIn(user, next) {
  session.user = user;
  navigate(next || homeFor(user), { replace: true });
}

function sessionEnded() {
  session.user = null;
  const here = location.pathname + location.search;
  navigate('/login' + (safeNext(here) ? api.query({ next: here }) : ''), { replace: true });
}

// Two-factor sign-in is on now: the session is a full one.
function setupDone() {
  session.user.setupRequired = false;
  const next = safeNext(new URLSearchParams(location.search).get('next'));
  navigate(next || homeFor(session.user), { replace: true });
}

function viewContext(extra) {
  return Object.assign({ user: session.user, signedIn, sessionEnded, setupDone }, extra);
}

// The same place in the viewer's own area: /customer/tickets/TICK-1 for
// an agent is /agent/tickets/TICK-1.
function ownArea(path, user) {
  const m = /^\/(customer|agent)(\/.*)?$/.exec(path);
  if (!m || m[1] === areaOf(user)) return null;
  return '/' + areaOf(user) + (m[2] || '/tickets');
}

async function show(view, ctx) {
  const app = document.getElementById('app');
  for (const dlg of document.querySelectorAll('dialog[open]')) dlg.close();
  if (!session.checked) {
    try {
      session.user = await api.me();
      session.checked = true;
    } catch (e) {
      app.replaceChildren(h('p.notice', { role: 'alert', dataset: { kind: 'error' },
        text: e.message }));
      return;
    }
  }
  const user = session.user;
  renderNav(ctx.path);
  if (!user) {
    if (ctx.path !== '/login' && ctx.path !== '/reset-password') {
      const here = ctx.path + location.search;
      return navigate('/login' + (safeNext(here) ? api.query({ next: here }) : ''),
        { replace: true });
    }
  } else if (user.setupRequired) {
    if (ctx.path !== '/setup-2fa') {
      const here = ctx.path + location.search;
      return navigate('/setup-2fa' + (safeNext(here) ? api.query({ next: here }) : ''),
        { replace: true });
    }
  } else {
    if (ctx.path === '/' || ctx.path === '/login' || ctx.path === '/setup-2fa') {
      return navigate(safeNext(ctx.query.get('next')) || homeFor(user), { replace: true });
    }
    const other = ownArea(ctx.path, user);
    if (other) return navigate(other + location.search, { replace: true });
  }
  Object.assign(ctx, viewContext());
  let node;
  try {
    node = await (view || notFoundView)(ctx);
  } catch (e) {
    if (e instanceof api.ApiError && e.status === 401) return sessionEnded();
    node = e instanceof api.ApiError && e.status === 404
      ? notFoundView(ctx)
      : h('p.notice', { role: 'alert', dataset: { kind: 'error' }, text: e.message });
  }
  if (!ctx.isCurrent()) return;
  app.replaceChildren(node);
  const heading = app.querySelector('h1');
  document.title = (heading ? heading.textContent + ' · ' : '') + 'Tix support';
  app.dataset.view = ctx.path;
  app.setAttribute('aria-busy', 'false');
  if (ctx.moved) app.focus({ preventScroll: true });
}

start(show);
