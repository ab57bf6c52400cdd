// Client-side routing with the History API.  nginx answers index.html for
// every portal path, so a reload lands here too.

const routes = [];
let renderCount = 0;
let onRender = null;

// route('/customer/tickets/:number', view): `:name` matches one segment.
export function route(pattern, view) {
  const names = [];
  const re = new RegExp('^' + pattern.replace(/:(\w+)/g, (_, n) => {
    names.push(n);
    return '([^/]+)';
  }) + '/?$');
  routes.push({ re, names, view });
}

export function navigate(path, { replace = false } = {}) {
  if (replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  // A new page: focus moves to it, as a page load would (screen readers).
  return render(!replace);
}

export function refresh() {
  return render();
}

// start(fn): fn(view, ctx) renders a matched view; called on every change.
export function start(renderer) {
  onRender = renderer;
  window.addEventListener('popstate', () => render(true));
  document.addEventListener('click', (ev) => {
    const a = ev.target.closest && ev.target.closest('a[href]');
    if (!a || ev.defaultPrevented || ev.button !== 0 || ev.metaKey ||
        ev.ctrlKey || ev.shiftKey || ev.altKey || a.target || a.hasAttribute('download')) {
      return;
    }
    const url = new URL(a.href, location.href);
    if (url.origin !== location.origin || url.pathname.startsWith('/api/')) return;
    // A link within the page (Skip to content) stays the browser's.
    if (url.hash && url.pathname === location.pathname && url.search === location.search) return;
    ev.preventDefault();
    navigate(url.pathname + url.search);
  });
  return render();
}

// isCurrent() tells a view whether its render is still the latest one.
function render(moved = false) {
  const token = ++renderCount;
  const path = location.pathname;
  const params = {};
  let view = null;
  for (const r of routes) {
    const m = r.re.exec(path);
    if (m) {
      r.names.forEach((n, i) => { params[n] = decodeURIComponent(m[i + 1]); });
      view = r.view;
      break;
    }
  }
  const ctx = {
    path,
    params,
    query: new URLSearchParams(location.search),
    isCurrent: () => token === renderCount,
    moved,
  };
  return onRender(view, ctx);
}
