// Building the DOM from data: every value goes in as text (createTextNode / textContent), never as markup.

/** An element with attributes (strings only) and children (nodes, or anything else shown as text). */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue;
    node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** Replaces the contents of `node` with `children`. */
export function show(node, ...children) {
  node.replaceChildren(...children.flat().filter((child) => child !== null && child !== undefined));
}

/** A table with a caption-less header row; each row is an array of cells, or {cells, className}. */
export function table(headers, rows, label) {
  const head = el('thead', {}, el('tr', {}, headers.map((h) => el('th', { scope: 'col' }, h))));
  const body = el('tbody', {}, rows.map((row) => {
    const cells = Array.isArray(row) ? row : row.cells;
    return el('tr', { class: Array.isArray(row) ? null : row.className }, cells.map((cell) => el('td', {}, cell)));
  }));
  return el('div', { class: 'scroll', tabindex: '0', role: 'region', 'aria-label': label || 'table' }, el('table', {}, head, body));
}

export function empty(text) {
  return el('p', { class: 'muted' }, text);
}

export function bytes(n) {
  if (n === undefined || n === null) return '–';
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) { value /= 1024; unit += 1; }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}

export function duration(seconds) {
  if (seconds === undefined || seconds === null) return '–';
  const s = Math.floor(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

export function time(ms) {
  return ms ? new Date(ms).toISOString().replace('T', ' ').replace('Z', '') : '–';
}

/** The JSON of a value, indented, in a <pre> (text, not markup). */
export function json(value) {
  return el('pre', { class: 'json' }, JSON.stringify(value, null, 2));
}
