// The attachment picker of the create and reply forms: choose or drop
// files, each checked here first (count, size, type by name and by its
// first bytes) with the reason beside a refused one; only accepted files
// are sent.  The server checks again: this only spares a wasted upload.

import { h } from './dom.js';
import { bytes } from './format.js';

export const MAX_FILES = 5;
export const MAX_BYTES = 10 * 1024 * 1024;

// Extension → the kind its content must be.
const KINDS = {
  png: 'png', jpg: 'jpeg', jpeg: 'jpeg', gif: 'gif', pdf: 'pdf',
  txt: 'text', log: 'text', json: 'text', xml: 'text', yml: 'text', yaml: 'text',
};

const MAGIC = {
  png: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
  jpeg: [0xff, 0xd8, 0xff],
  gif: [0x47, 0x49, 0x46, 0x38],
  pdf: [0x25, 0x50, 0x44, 0x46, 0x2d],
};

function extension(name) {
  const m = /\.([^.]+)$/.exec(name);
  return m ? m[1].toLowerCase() : '';
}

// Why `file` cannot be attached, or '' when it can.
async function refusal(file) {
  const ext = extension(file.name);
  const kind = KINDS[ext];
  if (!kind) {
    return ext ? '.' + ext + ' files cannot be attached'
      : 'Files without a type (.png, .log, …) cannot be attached';
  }
  if (file.size > MAX_BYTES) return 'Larger than ' + bytes(MAX_BYTES).replace('.0', '');
  if (file.size === 0) return 'The file is empty';
  const head = new Uint8Array(await file.slice(0, 512).arrayBuffer());
  if (kind === 'text') {
    if (head.includes(0)) return 'Not a text file';
  } else if (!MAGIC[kind].every((b, i) => head[i] === b)) {
    return 'Not a real .' + ext + ' file';
  }
  return '';
}

// picker({prefix}) → {el, accepted(), clear(), setError(msg), busy(b)}
export function filePicker({ prefix = '' } = {}) {
  const inputId = prefix + 'f-attachments';
  const listId = prefix + 'file-list';
  const items = [];	// {file, reason}
  const input = h('input', { type: 'file', id: inputId, name: 'attachments', multiple: true,
    accept: Object.keys(KINDS).map((e) => '.' + e).join(','),
    'aria-describedby': prefix + 'attachments-hint ' + prefix + 'attachments-error' });
  const list = h('ul.picked', { id: listId, 'aria-live': 'polite' });
  const error = h('span.field-error', { id: prefix + 'attachments-error',
    dataset: { errorFor: 'attachments' } });
  const zone = h('div.dropzone', {},
    h('span', { text: 'Drop files here, or ' }), input);

  async function add(files) {
    for (const file of files) {
      items.push({ file, reason: await refusal(file) });
    }
    render();
  }

  function render() {
    let ok = 0;
    for (const it of items) {
      if (it.reason && it.reason !== 'At most ' + MAX_FILES + ' files per submission') continue;
      it.reason = ok < MAX_FILES ? '' : 'At most ' + MAX_FILES + ' files per submission';
      if (!it.reason) ok++;
    }
    error.textContent = '';
    list.replaceChildren(...items.map((it, i) => h('li', { dataset: { state: it.reason ? 'rejected' : 'ok' } },
      h('bdi.name', { text: it.file.name }),
      h('span.muted', { text: ' ' + bytes(it.file.size) }),
      it.reason ? h('span.reason', { text: ' — ' + it.reason }) : null,
      h('button.link', { type: 'button', text: 'Remove',
        'aria-label': 'Remove ' + it.file.name,
        on: { click: () => { items.splice(i, 1); render(); input.focus(); } } }))));
  }

  input.addEventListener('change', () => {
    const files = Array.from(input.files || []);
    input.value = '';
    add(files);
  });
  for (const ev of ['dragenter', 'dragover']) {
    zone.addEventListener(ev, (e) => { e.preventDefault(); zone.classList.add('over'); });
  }
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    zone.classList.remove('over');
    add(Array.from((e.dataTransfer && e.dataTransfer.files) || []));
  });

  const el = h('div.field.attachments', {},
    h('label', { for: inputId, text: 'Attachments' }),
    h('p.hint', { id: prefix + 'attachments-hint',
      text: 'Up to ' + MAX_FILES + ' files of up to 10 MB each: PNG, JPG, GIF, PDF, TXT, LOG, ' +
        'JSON, XML, YML.' }),
    zone, list, error);
  return {
    el,
    accepted: () => items.filter((it) => !it.reason).map((it) => it.file),
    refused: () => items.filter((it) => it.reason).length,
    clear: () => { items.length = 0; render(); },
    setError: (msg) => { error.textContent = msg || ''; },
    disabled: (b) => { input.disabled = b; },
  };
}

// An upload progress bar: show(), set(fraction), hide().
export function progressBar({ prefix = '' } = {}) {
  const id = prefix + 'upload-progress';
  const bar = h('progress', { id, max: 100, value: 0 });
  const text = h('span.progress-text', { text: '' });
  const el = h('div.upload-status', { hidden: true },
    h('label', { for: id, text: 'Upload progress' }), bar, text);
  return {
    el,
    show() { bar.value = 0; text.textContent = 'Uploading… 0%'; el.hidden = false; },
    set(f) {
      const pct = Math.round(f * 100);
      bar.value = pct;
      text.textContent = pct < 100 ? 'Uploading… ' + pct + '%' : 'Processing…';
    },
    hide() { el.hidden = true; },
  };
}
