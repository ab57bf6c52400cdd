// Pieces that several views show the same way: badges, times, file
// links, the license box.

import { h } from './dom.js';
import {
  statusLabel, priorityLabel, categoryLabel, when, whenLong, whenShort, bytes, capitalize,
} from './format.js';

export function statusBadge(status, who, attrs) {
  return h('span.badge.status', Object.assign({ dataset: { status },
    text: statusLabel(status, who) }, attrs));
}

export function priorityTag(priority, attrs) {
  return h('span.priority', Object.assign({ dataset: { priority },
    text: priorityLabel(priority) }, attrs));
}

export function categoryText(category) {
  return h('span.category', { dataset: { category }, text: categoryLabel(category) });
}

// <time> in the viewer's zone; the title spells the zone out.
// `compact` drops the year when it is this year's (for table cells).
export function timeEl(iso, user, compact) {
  if (!iso) return h('span.muted', { text: '—' });
  return h('time', { datetime: iso, title: whenLong(iso, user),
    text: compact ? whenShort(iso, user) : when(iso, user) });
}

// The API's own download paths only are ever link targets.
const DOWNLOAD = /^\/api\/tickets\/[^/]+\/attachments\/[^/]+$/;

export function fileLinks(files) {
  return h('ul.file-list', {}, files.map((f) => h('li', {},
    DOWNLOAD.test(f.url || '')
      ? h('a', { href: f.url, download: f.filename }, h('bdi', { text: f.filename }))
      : h('bdi', { text: f.filename }),
    h('span.muted', { text: ' ' + bytes(f.size) }))));
}

// The license a ticket names: product, state, seats, expiry, history.
export function licenseBox(l, user) {
  const row = (k, v) => h('div', {}, h('dt', { text: k }), h('dd', {}, v));
  const history = (l.activations || []).map((a) => h('li', {},
    h('bdi.machine', { text: a.machine }), ' ',
    h('span.muted', {}, 'activated ', timeEl(a.activated_at, user)),
    a.deactivated_at
      ? h('span.muted', {}, ', deactivated ', timeEl(a.deactivated_at, user))
      : h('span.badge.active-seat', { text: 'Active' })));
  return h('section.card.license', { id: 'license', 'aria-labelledby': 'license-title' },
    h('h2', { id: 'license-title', text: 'License' }),
    h('dl.facts.compact', {},
      row('Key', h('code', { text: l.key })),
      row('Product', h('bdi', { text: l.product })),
      row('Status', h('span.badge.license', { dataset: { license: l.status },
        text: capitalize(l.status) })),
      row('Activations', h('span.activations', {
        text: l.activations_used + ' of ' + l.activations_max + ' used' })),
      row('Expires', l.expires_at ? timeEl(l.expires_at, user) : 'Never')),
    h('h3', { text: 'Activation history' }),
    history.length ? h('ul.activations', {}, history)
      : h('p.muted', { text: 'No activations yet.' }));
}

// Snippet segments from a search answer, hits marked; all text nodes.
export function snippet(match) {
  if (!match || !Array.isArray(match.snippet) || !match.snippet.length) return null;
  return h('p.snippet', { dataset: { in: match.in || '' } },
    match.snippet.map((s) => (s.hit ? h('mark', { text: s.text }) : String(s.text))));
}
