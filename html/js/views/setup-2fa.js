// /setup-2fa: where an agent or admin without two-factor sign-in lands
// after the password when the service requires it of staff
// (TIX_REQUIRE_2FA_FOR_STAFF; /api/auth/me says two_factor_setup_required).
// Until it is on, the API refuses their session everything else, so this
// page is all they see: the QR code and the key, the code, then the
// recovery codes once (with a download as text), then on to the page
// they were going to (?next=), or else their queue.

import * as api from '../api.js';
import { h } from '../dom.js';
import { codesView, setupForm } from './security.js';

export async function setupTwoFactorView(ctx) {
  const s = await api.post('/api/me/2fa/setup');
  const box = h('div', { id: 'two-factor' });
  box.append(setupForm(ctx, s, (codes) => {
    box.replaceChildren(...codesView(ctx, codes, 'Continue',
      () => ctx.setupDone()));
    document.getElementById('tfa-codes-title').focus();
  }));
  return h('section.card.setup-2fa', { id: 'setup-2fa' },
    h('h1', { text: 'Set up two-factor sign-in' }),
    h('p', { id: 'setup-2fa-why', text: 'Staff accounts need two-factor sign-in. ' +
      'Set it up with an authenticator app on your phone to continue.' }),
    box);
}
