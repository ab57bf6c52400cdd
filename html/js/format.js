// Names shown for the API's values.

const STATUS = {
  customer: {
    open: 'Open', in_progress: 'In progress', waiting: 'Waiting for You',
    resolved: 'Resolved', closed: 'Closed',
  },
  agent: {
    open: 'Open', in_progress: 'In progress', waiting: 'Waiting on customer',
    resolved: 'Resolved', closed: 'Closed',
  },
};

export const STATUSES = ['open', 'in_progress', 'waiting', 'resolved', 'closed'];
export const PRIORITIES = ['low', 'normal', 'high', 'critical'];
export const CATEGORIES = ['technical', 'billing', 'license', 'general'];

export function audience(user) {
  return user && user.role === 'customer' ? 'customer' : 'agent';
}

export function statusLabel(status, who) {
  return STATUS[who][status] || status;
}

export function statusOptions(who) {
  return STATUSES.map((s) => [s, statusLabel(s, who)]);
}

export function capitalize(word) {
  const s = String(word || '').replace(/_/g, ' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export function when(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (isNaN(d)) return String(iso);
  return d.toLocaleString(undefined, {
    year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit',
  });
}

export function bytes(n) {
  if (n < 1024) return n + ' B';
  if (n < 1024 * 1024) return (n / 1024).toFixed(1) + ' KB';
  return (n / 1024 / 1024).toFixed(1) + ' MB';
}
