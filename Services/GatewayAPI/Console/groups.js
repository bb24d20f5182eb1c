// Consumer groups: lag, pending, last delivered id, and each consumer's pending count and idle time.
// A group with undelivered (lag) or unacknowledged (pending) entries is marked "behind".
import { el, show, table, empty } from './dom.js';

export function render(root, status) {
  const rows = [];
  for (const stream of status.streams) {
    if (stream.name.startsWith('deadletter:')) continue;
    for (const group of stream.groups) {
      const behind = (group.lag === null || group.lag === undefined) ? group.pending > 0 : group.lag > 0 || group.pending > 0;
      const consumers = el('ul', { class: 'consumers' }, group.consumers.map((c) =>
        el('li', {}, `${c.name}: ${c.pending} pending, idle ${(c.idle_ms / 1000).toFixed(1)} s`)));
      rows.push({
        className: behind ? 'behind' : null,
        cells: [el('span', { class: 'nowrap' }, stream.name), group.name,
          el('span', { 'data-lag': `${group.name} ${stream.name}` }, group.lag === null || group.lag === undefined ? '?' : String(group.lag)),
          String(group.pending), el('span', { class: 'nowrap' }, group.last_delivered_id),
          el('span', { class: behind ? 'badge bad' : 'badge ok' }, behind ? 'behind' : 'caught up'), consumers],
      });
    }
  }
  show(root, rows.length ? table(['stream', 'group', 'lag', 'pending', 'last delivered', 'state', 'consumers'], rows, 'consumer groups')
    : empty('No consumer group yet.'));
}

/** The sum of every group's lag (and pending) in a status: the chart's second line. */
export function totalLag(status) {
  let total = 0;
  for (const stream of status.streams) {
    if (stream.name.startsWith('deadletter:')) continue;
    for (const group of stream.groups) total += (group.lag || 0);
  }
  return total;
}
