// Messages: what msg-service sent, newest first, searchable by recipient and kind (the key's suffix).
import { getJSON } from './api.js';
import { el, show, table, empty, time } from './dom.js';

export function setup(reload) {
  document.getElementById('messages-filter').addEventListener('input', reload);
  document.getElementById('messages-filter').addEventListener('submit', (e) => { e.preventDefault(); reload(); });
}

export async function refresh(root) {
  const messages = await getJSON('/messages?limit=10000');
  const to = document.getElementById('msg-to').value.trim().toLowerCase();
  const kind = document.getElementById('msg-kind').value;
  const chosen = messages.filter((m) => (!to || m.to.toLowerCase().includes(to)) && (!kind || m.key.endsWith(`:${kind}`)))
    .reverse().slice(0, 100);
  if (!chosen.length) {
    show(root, empty(messages.length ? 'No message matches.' : 'No messages sent yet.'));
    return;
  }
  const sentAt = (m) => (typeof m.sent_at === 'number' ? time(m.sent_at < 1e12 ? m.sent_at * 1000 : m.sent_at) : String(m.sent_at));
  show(root, el('p', {}, `${chosen.length} of ${messages.length} shown`),
    table(['sent', 'to', 'kind', 'message'], chosen.map((m) => [sentAt(m), m.to, m.key.split(':').pop(), el('pre', {}, m.msg)]), 'messages'));
}
