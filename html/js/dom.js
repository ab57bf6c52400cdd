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

// A labelled form field with a slot for its error message.
export function field(label, control, name) {
  const id = 'f-' + name;
  control.id = id;
  control.name = name;
  const err = h('span.field-error', { id: id + '-error', dataset: { errorFor: name } });
  control.setAttribute('aria-describedby', err.id);
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
