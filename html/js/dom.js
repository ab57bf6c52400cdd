// DOM helpers.  Everything that comes from the API reaches the page as
// text nodes or attribute values set through the DOM: never as HTML.

// h('tag.class1.class2', {attributes and properties}, ...children)
// Children may be nodes, strings (become text nodes), arrays, null/false.
// Attributes: `text` sets textContent, `on` maps event names to handlers,
// `dataset` copies data-* values, anything else goes through setAttribute
// (or as a property for value/checked/disabled/selected).
export function h(spec, attrs, ...children) {
  const [tag, ...classes] = spec.split('.');
  const el = document.createElement(tag || 'div');
  if (classes.length) el.className = classes.join(' ');
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'text') el.textContent = String(value);
    else if (name === 'on') {
      for (const [ev, fn] of Object.entries(value)) el.addEventListener(ev, fn);
    } else if (name === 'dataset') Object.assign(el.dataset, value);
    else if (name === 'value' || name === 'checked' || name === 'disabled' ||
             name === 'selected') el[name] = value;
    else if (/^on/i.test(name)) throw new Error('inline handler: ' + name);
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else if (child instanceof Node) el.appendChild(child);
    else el.appendChild(document.createTextNode(String(child)));
  }
}

// A select with [value, label] options, `current` selected.
export function select(attrs, options, current) {
  return h('select', attrs, options.map(([value, label]) =>
    h('option', { value, text: label, selected: value === (current || '') })));
}

// A labelled form field with a slot for its error message.  `prefix`
// keeps ids apart when one form appears twice (the page and a dialog).
export function field(label, control, name, prefix = '') {
  const id = prefix + 'f-' + name;
  control.id = id;
  control.name = name;
  const err = h('span.field-error', { id: id + '-error', dataset: { errorFor: name } });
  const described = control.getAttribute('aria-describedby');
  control.setAttribute('aria-describedby', (described ? described + ' ' : '') + err.id);
  return h('div.field', {}, h('label', { for: id, text: label }), control, err);
}

// Puts the 422 "fields" messages next to the fields of `form`.
export function showFieldErrors(form, fields) {
  for (const slot of form.querySelectorAll('[data-error-for]')) {
    const msg = fields && fields[slot.dataset.errorFor];
    slot.textContent = msg || '';
    const control = form.elements[slot.dataset.errorFor];
    if (control) control.toggleAttribute('aria-invalid', Boolean(msg));
  }
}

// A message box: role=alert for errors, role=status otherwise.
export function notice(kind) {
  return h('p.notice', { role: kind === 'error' ? 'alert' : 'status', hidden: true,
    dataset: { kind } });
}

export function say(box, message) {
  box.textContent = message || '';
  box.hidden = !message;
}

// Repeats a message in the page's polite live region, for screen readers.
export function announce(message) {
  const region = document.getElementById('announce');
  if (!region) return;
  region.textContent = '';
  // A new text node after a tick is announced even when the text repeats.
  setTimeout(() => { region.textContent = message; }, 50);
}

// A modal <dialog>: showModal() keeps Tab inside it and Escape closes it.
// content(close) builds the body; `label` is the dialog's heading.
// The dialog removes itself from the page when it closes.
export function openDialog(label, content, { id } = {}) {
  const headingId = (id || 'dialog') + '-title';
  const dlg = h('dialog.modal', { id, 'aria-labelledby': headingId });
  const close = () => dlg.close();
  dlg.append(h('div.modal-head', {},
    h('h2', { id: headingId, text: label }),
    h('button.icon', { type: 'button', 'aria-label': 'Close', text: '×', on: { click: close } })),
    content(close));
  const opener = document.activeElement;
  dlg.addEventListener('close', () => {
    dlg.remove();
    if (opener && opener.isConnected && opener.focus) opener.focus();
  });
  document.body.append(dlg);
  dlg.showModal();
  const first = dlg.querySelector('[autofocus], textarea, input:not([type=hidden]), select');
  if (first) first.focus();
  return dlg;
}

// A question with a confirming and a cancelling button; resolves to true
// when confirmed.
export function confirmDialog(label, text, confirmLabel, { danger = false, id } = {}) {
  return new Promise((resolve) => {
    let answer = false;
    const dlg = openDialog(label, (close) => h('div', {},
      h('p', { text }),
      h('div.actions', {},
        h('button', { type: 'button', class: danger ? 'danger' : 'primary', text: confirmLabel,
          on: { click: () => { answer = true; close(); } } }),
        h('button', { type: 'button', text: 'Cancel', on: { click: close } }))), { id });
    dlg.addEventListener('close', () => resolve(answer));
  });
}
