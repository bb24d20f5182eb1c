// Streams: each topic's streams (and dead-letter streams) with length, first and last entry, events per second now.
import { show, table } from './dom.js';

let previous = null; // { at, lengths: name → length }

export function render(root, status) {
  const at = performance.now();
  const rows = status.streams.map((s) => {
    const before = previous ? previous.lengths.get(s.name) : undefined;
    const rate = before !== undefined ? Math.max(0, (s.length - before) / ((at - previous.at) / 1000)).toFixed(1) : '–';
    return [s.name, String(s.length), s.first_entry_id || '–', s.last_entry_id || '–', rate];
  });
  previous = { at, lengths: new Map(status.streams.map((s) => [s.name, s.length])) };
  show(root, table(['stream', 'length', 'first entry', 'last entry', 'events/s'], rows, 'streams'));
}
