// An entity's history: every event from Redis and the archive, its projection beside the fold of those events.
import { getJSON } from './api.js';
import { el, show, table, empty, time, json } from './dom.js';

let root;

export function setup(node) {
  root = node;
  document.getElementById('history-form').addEventListener('submit', (e) => {
    e.preventDefault();
    open(document.getElementById('hi-topic').value, document.getElementById('hi-id').value.trim());
  });
}

/** Shows the history of one entity and brings the panel into view. */
export async function open(topic, id) {
  document.getElementById('hi-topic').value = topic;
  document.getElementById('hi-id').value = id;
  if (!id) return;
  try {
    render(await getJSON(`/history/${encodeURIComponent(topic)}/${encodeURIComponent(id)}`));
  } catch (error) {
    show(root, empty(`could not read the history: ${error.message}`));
  }
  document.getElementById('history').scrollIntoView({ block: 'start' });
}

function render(h) {
  const rows = h.events.map((e) => [time(e.occurred_at), `${e.action}`, `v${e.version}`, e.entry_id, e.sources.join(' + '),
    traceLink(e.correlation_id), json(e.entity)]);
  const verdict = h.matches
    ? el('p', { class: 'badge ok', 'data-matches': 'true' }, 'the projection equals the fold of the events')
    : el('p', { class: 'badge bad', 'data-matches': 'false' }, `the projection differs from the fold: ${h.differences.map((d) => d.field).join(', ') || 'one of them is missing'}`);
  const archive = h.archive.available ? `${h.archive.count} in the archive` : `archive: ${h.archive.error}`;
  show(root,
    el('p', {}, `${h.events.length} events (${h.redis.count} in Redis, ${archive})`),
    rows.length ? table(['time', 'action', 'version', 'entry id', 'found in', 'caused by', 'entity'], rows, 'entity events') : empty('No events of this id.'),
    verdict,
    el('div', { class: 'side-by-side' },
      el('div', {}, el('h3', {}, `Projection (v${h.projection_version ?? '–'})`), json(h.projection)),
      el('div', {}, el('h3', {}, `Fold of the events (v${h.fold_version ?? '–'})`), json(h.fold))));
}

/** A link to everything the event's request set off (`GET /correlation/{id}`: the causation tree), or a dash. */
function traceLink(correlation) {
  if (!correlation) return '–';
  return el('a', { href: `/correlation/${encodeURIComponent(correlation)}`, target: '_blank', rel: 'noopener',
    class: 'trace-link', title: 'every event and message this request set off' }, `${correlation.slice(0, 8)}…`);
}
