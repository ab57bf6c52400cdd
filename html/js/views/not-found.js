import { h } from '../dom.js';

export function notFoundView() {
  return h('section.card', {},
    h('h1', { text: 'Not found' }),
    h('p', { text: 'There is nothing here, or you may not see it.' }),
    h('p', {}, h('a', { href: '/', text: 'Back to the start' })));
}
