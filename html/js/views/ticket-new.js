// /customer/tickets/new (and /agent/tickets/new): the create form beside
// the tips for a ticket that gets a quick answer.  After submit: the new
// ticket's page.

import { h } from '../dom.js';
import { navigate } from '../router.js';
import { audience } from '../format.js';
import { ticketForm } from './ticket-form.js';

export function tipsBox() {
  return h('aside.card.tips', { 'aria-labelledby': 'tips-title' },
    h('h2', { id: 'tips-title', text: 'Tips for a quick answer' }),
    h('ul', {},
      h('li', {}, h('strong', { text: 'Be specific. ' }),
        'One problem per ticket, with a subject that names it.'),
      h('li', {}, h('strong', { text: 'Give the exact error. ' }),
        'Copy the message as it appears, or attach a screenshot.'),
      h('li', {}, h('strong', { text: 'Say what you tried. ' }),
        'Steps you took, and what happened each time.'),
      h('li', {}, h('strong', { text: 'Describe your environment. ' }),
        'Product version, operating system, and the license key if it is about activation.'),
      h('li', {}, h('strong', { text: 'Attach logs. ' }),
        'Up to 5 files of 10 MB: screenshots, .log, .txt, .json, .xml, .yml or PDF.')));
}

export function newTicketView(ctx) {
  const who = audience(ctx.user);
  const form = ticketForm(ctx, {
    onCreated: (t) => navigate('/' + who + '/tickets/' + encodeURIComponent(t.number)),
  });
  return h('section.new-ticket', {},
    h('div.page-head', {},
      h('div', {},
        h('p.crumbs', {}, h('a', { href: '/' + who + '/tickets',
          text: who === 'customer' ? 'Support Tickets' : 'Tickets' })),
        h('h1', { text: 'Create Ticket' }))),
    h('div.columns', {},
      h('div.main-col.card', {}, form),
      h('div.side-col', {}, tipsBox())));
}
