// The HTTP API (docs/api.md).  Every call sends the session cookie and,
// for state changes, the CSRF token from login or /api/auth/me.

let csrfToken = null;

export class ApiError extends Error {
  constructor(status, body) {
    const err = (body && body.error) || {};
    super(err.message || (status ? 'The request failed (' + status + ').'
                                 : 'The service cannot be reached.'));
    this.status = status;
    this.code = err.code || 'network';
    this.fields = err.fields || null;
  }
}

export function setCsrfToken(token) {
  csrfToken = token || null;
}

export async function request(method, path, body, extraHeaders) {
  const headers = Object.assign({ Accept: 'application/json' }, extraHeaders);
  const opts = { method, headers, credentials: 'same-origin' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    opts.body = JSON.stringify(body);
  }
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) {
    headers['X-CSRF-Token'] = csrfToken;
  }
  let res;
  try {
    res = await fetch(path, opts);
  } catch (e) {
    throw new ApiError(0, null);
  }
  if (res.status === 204) return null;
  let data = null;
  try {
    data = await res.json();
  } catch (e) {
    data = null;
  }
  if (!res.ok) throw new ApiError(res.status, data);
  return data;
}

// A multipart/form-data request through XMLHttpRequest, for its upload
// progress: onProgress(fraction) while the body is being sent.
export function upload(method, path, form, { onProgress, headers } = {}) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(method, path);
    xhr.setRequestHeader('Accept', 'application/json');
    if (csrfToken) xhr.setRequestHeader('X-CSRF-Token', csrfToken);
    for (const [k, v] of Object.entries(headers || {})) xhr.setRequestHeader(k, v);
    if (onProgress) {
      xhr.upload.addEventListener('progress', (ev) => {
        if (ev.lengthComputable) onProgress(ev.loaded / ev.total);
      });
    }
    xhr.addEventListener('load', () => {
      let data = null;
      try {
        data = xhr.responseText ? JSON.parse(xhr.responseText) : null;
      } catch (e) {
        data = null;
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(data);
      else reject(new ApiError(xhr.status, data));
    });
    xhr.addEventListener('error', () => reject(new ApiError(0, null)));
    xhr.addEventListener('abort', () => reject(new ApiError(0, null)));
    xhr.send(form);
  });
}

export const get = (path) => request('GET', path);
export const post = (path, body) => request('POST', path, body);
export const patch = (path, body) => request('PATCH', path, body);
export const put = (path, body) => request('PUT', path, body);
export const del = (path) => request('DELETE', path);

// The user of a session answer (login, /api/auth/me), with setupRequired:
// the session may only set two-factor sign-in up (TIX_REQUIRE_2FA_FOR_STAFF).
function userOf(r) {
  return Object.assign({}, r.user, { setupRequired: r.two_factor_setup_required === true });
}

// The signed-in user and a fresh CSRF token, or null when not signed in.
export async function me() {
  try {
    const r = await get('/api/auth/me');
    setCsrfToken(r.csrf_token);
    return userOf(r);
  } catch (e) {
    if (e.status === 401) return null;
    throw e;
  }
}

// The user, or { challenge } when the account has two-factor login and
// the code is still to come (loginCode).
export async function login(email, password) {
  const r = await post('/api/auth/login', { email, password });
  if (r.two_factor_required) return { challenge: r.challenge };
  setCsrfToken(r.csrf_token);
  return { user: userOf(r) };
}

export async function loginCode(challenge, code) {
  const r = await post('/api/auth/login/2fa', { challenge, code });
  setCsrfToken(r.csrf_token);
  return userOf(r);
}

export async function logout() {
  try {
    await post('/api/auth/logout');
  } finally {
    setCsrfToken(null);
  }
}

export function ticketPath(number) {
  return '/api/tickets/' + encodeURIComponent(number);
}

export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') q.set(k, v);
  }
  const s = q.toString();
  return s ? '?' + s : '';
}
