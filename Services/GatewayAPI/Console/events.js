// Events: newest first, paged (GET /events/recent), filtered by topic, type, entity id and time; a live tail
// (GET /events/live, Server-Sent Events) that is on when the page opens, with pause and resume.
import { getJSON } from './api.js';
import { el, show, empty, time, json } from './dom.js';

const maxShown = 200;
let root;
let shown = [];        // events on screen, newest first
let pages = [];        // the `before` cursor of each page read (for Newest/Older)
let next = null;
let source = null;
let live = true;
let openHistory = () => {};

export function setup(node, historyOpener) {
  root = node;
  openHistory = historyOpener;
  document.getElementById('events-filter').addEventListener('submit', (e) => { e.preventDefault(); load(null); });
  document.getElementById('events-newer').addEventListener('click', () => load(null));
  document.getElementById('events-older').addEventListener('click', () => { if (next) load(next); });
  document.getElementById('live-toggle').addEventListener('click', () => setLive(!live));
  load(null).then(() => setLive(true));
}

function filter() {
  const since = document.getElementById('ev-since').value;
  return {
    topic: document.getElementById('ev-topic').value,
    action: document.getElementById('ev-action').value,
    id: document.getElementById('ev-id').value.trim(),
    since: since ? new Date(since).getTime() : null,
  };
}

function matches(event, f) {
  return (!f.topic || event.topic === f.topic) && (!f.action || event.action === f.action)
    && (!f.id || event.aggregate_id === f.id) && (!f.since || event.occurred_at >= f.since);
}

async function load(before) {
  const f = filter();
  const query = new URLSearchParams({ limit: '50' });
  if (f.topic) query.set('topic', f.topic);
  if (f.action) query.set('action', f.action);
  if (f.id) query.set('aggregate_id', f.id);
  if (f.since) query.set('since', String(f.since));
  if (before) query.set('before', before);
  try {
    const page = await getJSON(`/events/recent?${query}`);
    shown = page.events;
    next = page.next;
    pages = before ? [...pages, before] : [];
    state(before ? `older page (${shown.length} events)` : `newest ${shown.length} events`);
    render();
  } catch (error) {
    state(`could not read events: ${error.message}`);
  }
}

function setLive(on) {
  live = on;
  const button = document.getElementById('live-toggle');
  button.textContent = on ? 'Pause live tail' : 'Resume live tail';
  button.setAttribute('aria-pressed', on ? 'true' : 'false');
  if (on && !source) {
    source = new EventSource('/events/live');
    source.addEventListener('event', (message) => arrived(JSON.parse(message.data)));
    source.addEventListener('hello', () => state('live tail on'));
  } else if (!on && source) {
    source.close();
    source = null;
    state('live tail paused');
  }
  document.getElementById('events').dataset.live = on ? 'on' : 'off';
}

function arrived(event) {
  if (pages.length > 0 || !matches(event, filter())) return; // an older page is on screen: leave it alone
  if (shown.some((e) => e.event_id === event.event_id)) return;
  shown = [event, ...shown].slice(0, maxShown);
  render();
}

function state(text) {
  document.getElementById('events-state').textContent = text;
}

function render() {
  if (!shown.length) {
    show(root, empty('No events.'));
    return;
  }
  const list = el('ol', { class: 'events' }, shown.map((e) => {
    const entity = el('button', { type: 'button', class: 'link', 'aria-label': `history of ${e.topic} ${e.aggregate_id}` }, e.aggregate_id);
    entity.addEventListener('click', () => openHistory(e.topic, e.aggregate_id));
    return el('li', { 'data-event-id': e.event_id },
      el('details', {},
        el('summary', {}, el('time', {}, time(e.occurred_at)), ' ', el('strong', {}, `${e.topic}_${e.action}`), ` v${e.version} `),
        json(e.entity)),
      entity);
  }));
  show(root, list);
}
