// What the settings page's lists share: status messages, errors that may
// mean the session ended, and revoking one of the user's own things (an
// API token, a session) after asking in a modal dialog.

import * as api from './api.js';
import { say, announce, confirmDialog } from './dom.js';

// A status message, repeated in the page's live region.
export function tell(box, message) {
  say(box, message);
  announce(message);
}

// A 401 means the session ended while the page was open.
export function failed(ctx, box, e) {
  if (e instanceof api.ApiError && e.status === 401 && ctx.sessionEnded) {
    ctx.sessionEnded();
    return;
  }
  say(box, e.message);
}

// Ask (title, text, confirmLabel, in the dialog dialogId), then DELETE
// path and reload() the list.  A 404 means it is gone already (revoked in
// another tab): the list says so, and it counts as done.  Resolves true
// when it was revoked, false when the user cancelled or it failed (the
// error is shown in error, and button works again).
export async function revokeConfirmed(ctx, { title, text, confirmLabel, dialogId, path,
  button, error, status, reload }) {
  say(error, '');
  say(status, '');
  const sure = await confirmDialog(title, text, confirmLabel, { danger: true, id: dialogId });
  if (!sure) return false;
  button.disabled = true;
  try {
    await api.del(path);
  } catch (e) {
    if (!(e instanceof api.ApiError && e.status === 404)) {
      button.disabled = false;
      failed(ctx, error, e);
      return false;
    }
  }
  try {
    await reload();
  } catch (e) {
    failed(ctx, error, e);
  }
  return true;
}
