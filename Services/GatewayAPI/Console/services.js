// Services: each of the nine with its /ready answer, uptime, memory and request rate (from two /metrics readings).
import { getJSON } from './api.js';
import { el, show, table, bytes, duration } from './dom.js';

let previous = null; // { at, totals: name → requests_total }

export async function refresh(root) {
  const { services } = await getJSON('/services');
  const at = performance.now();
  const rows = services.map((s) => {
    const before = previous ? previous.totals.get(s.name) : undefined;
    const rate = before !== undefined && s.requests_total !== undefined
      ? ((s.requests_total - before) / ((at - previous.at) / 1000)).toFixed(1) : '–';
    return {
      className: s.ready ? 'ok' : 'bad',
      cells: [s.name, el('span', { class: s.ready ? 'badge ok' : 'badge bad' }, s.ready ? 'ready' : `not ready: ${s.reason || s.ready_status}`),
        duration(s.uptime_seconds), bytes(s.memory_bytes), rate],
    };
  });
  previous = { at, totals: new Map(services.map((s) => [s.name, s.requests_total])) };
  show(root, table(['service', '/ready', 'uptime', 'memory', 'requests/s'], rows, 'services'));
}
