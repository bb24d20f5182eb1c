// Services: every instance of the nine with its /ready answer, uptime, memory and request rate (from two /metrics
// readings).
import { getJSON } from './api.js';
import { el, show, table, bytes, duration } from './dom.js';

// The rate comes from two readings of the same service: requests served over the uptime between them (the
// gateway shares one reading between consoles for up to five seconds, so the page's own clock would not do).
const previous = new Map(); // name and instance → { uptime, requests, rate }

function rate(s) {
  const key = `${s.name} ${s.instance}`;
  const before = previous.get(key);
  let shown = '–';
  if (before && s.uptime_seconds > before.uptime && s.requests_total >= before.requests) {
    shown = ((s.requests_total - before.requests) / (s.uptime_seconds - before.uptime)).toFixed(1);
  } else if (before && s.uptime_seconds === before.uptime) {
    return before.rate; // the same reading again
  }
  previous.set(key, { uptime: s.uptime_seconds, requests: s.requests_total, rate: shown });
  return shown;
}

export async function refresh(root) {
  const { services } = await getJSON('/services', 5);
  const rows = services.map((s) => ({
    className: s.ready ? 'ok' : 'bad',
    cells: [s.name, s.instance, el('span', { class: s.ready ? 'badge ok' : 'badge bad' }, s.ready ? 'ready' : `not ready: ${s.reason || s.ready_status}`),
      duration(s.uptime_seconds), bytes(s.memory_bytes), rate(s)],
  }));
  show(root, table(['service', 'instance', '/ready', 'uptime', 'memory', 'requests/s'], rows, 'services'));
}
