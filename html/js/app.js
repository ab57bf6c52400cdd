// The portal's entry point: who is signed in, the navigation bar, and
// which view each path shows.

import * as api from './api.js';
import { h } from './dom.js';
import { route, start, navigate } from './router.js';
import { loginView } from './views/login.js';
import { ticketListView } from './views/ticket-list.js';
import { newTicketView } from './views/ticket-new.js';
import { ticketDetailView } from './views/ticket-detail.js';
import { notFoundView } from './views/not-found.js';

const session = { user: null, checked: false };

export function homeFor(user) {
  if (!user) return '/login';
  return user.role === 'customer' ? '/customer/tickets' : '/agent/tickets';
}

route('/', null);
route('/login', loginView);
route('/customer/tickets', ticketListView);
route('/customer/tickets/new', newTicketView);
route('/customer/tickets/:number', ticketDetailView);
route('/agent/tickets', ticketListView);
route('/agent/tickets/:number', ticketDetailView);

function renderNav() {
  const nav = document.getElementById('nav');
  const user = session.user;
  if (!user) {
    nav.replaceChildren();
    return;
  }
  const links = user.role === 'customer'
    ? [h('a', { href: '/customer/tickets', text: 'My tickets' }),
       h('a', { href: '/customer/tickets/new', text: 'New ticket' })]
    : [h('a', { href: '/agent/tickets', text: 'All tickets' })];
  const logout = h('button.link', { type: 'button', id: 'logout', text: 'Sign out',
    on: { click: signOut } });
  nav.replaceChildren(...links, h('span.who', { text: user.name }), logout);
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

function signedIn(user) {
  session.user = user;
  navigate(homeFor(user), { replace: true });
}

async function show(view, ctx) {
  const app = document.getElementById('app');
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
  renderNav();
  // Where this user may be.
  const area = ctx.path.split('/')[1];
  if (!user && ctx.path !== '/login') {
    return navigate('/login', { replace: true });
  }
  if (user && (ctx.path === '/' || ctx.path === '/login' ||
      (area === 'customer' && user.role !== 'customer') ||
      (area === 'agent' && user.role === 'customer'))) {
    return navigate(homeFor(user), { replace: true });
  }
  ctx.user = user;
  ctx.signedIn = signedIn;
  ctx.sessionEnded = () => {
    session.user = null;
    navigate('/login', { replace: true });
  };
  let node;
  try {
    node = await (view || notFoundView)(ctx);
  } catch (e) {
    if (e instanceof api.ApiError && e.status === 401) return ctx.sessionEnded();
    node = e instanceof api.ApiError && e.status === 404
      ? notFoundView(ctx)
      : h('p.notice', { role: 'alert', dataset: { kind: 'error' }, text: e.message });
  }
  if (!ctx.isCurrent()) return;
  app.replaceChildren(node);
  const heading = app.querySelector('h1');
  document.title = (heading ? heading.textContent + ' · ' : '') + 'Tix support';
  app.dataset.view = ctx.path;
}

start(show);
