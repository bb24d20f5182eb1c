// The console: each panel refreshes itself every two seconds (short polling with ETags: lists that did not change
// cost a 304), and the events panel follows the live feed (Server-Sent Events).
import { getJSON } from './api.js';
import * as services from './services.js';
import * as streams from './streams.js';
import * as groups from './groups.js';
import * as deadletters from './deadletters.js';
import * as events from './events.js';
import * as history from './history.js';
import * as messages from './messages.js';
import * as chart from './chart.js';

const panel = (name) => document.querySelector(`[data-panel="${name}"]`);
const intervalMs = 2000;

async function status() {
  const current = await getJSON('/status');
  streams.render(panel('streams'), current);
  groups.render(panel('groups'), current);
  const orders = current.streams.find((s) => s.name === 'events:{order}_created');
  chart.record(orders ? orders.length : 0, groups.totalLag(current));
  chart.render(panel('chart'));
}

const tasks = [
  () => services.refresh(panel('services')),
  status,
  () => deadletters.refresh(panel('deadletters')),
  // The messages: every fifth tick (a 304 when none was sent since), and at once when the search changes.
  () => (ticks % 5 === 0 ? messages.refresh(panel('messages')) : null),
];

let ticks = 0;

async function tick() {
  const results = await Promise.allSettled(tasks.map((task) => task()));
  ticks += 1;
  const failed = results.filter((r) => r.status === 'rejected');
  const line = document.getElementById('connection');
  line.textContent = failed.length ? `${failed.length} panel(s) could not refresh: ${failed[0].reason.message}`
    : `updated ${new Date().toLocaleTimeString()}`;
  line.className = failed.length ? 'bad' : 'ok';
}

async function loop() {
  await tick();
  setTimeout(loop, intervalMs);
}

history.setup(panel('history'));
events.setup(panel('events'), history.open);
deadletters.setup(tick);
messages.setup(() => messages.refresh(panel('messages')));
loop();
