// Messages: what msg-service sent, newest first, searchable by recipient and kind (the key's suffix).
import { getJSON } from './api.js';
import { el, show, table, empty, time } from './dom.js';

export function setup(reload) {
  document.getElementById('messages-filter').addEventListener('input', reload);
  document.getElementById('messages-filter').addEventListener('submit', (e) => { e.preventDefault(); reload(); });
}

export async function refresh(root) {
  const query = new URLSearchParams({ limit: '100' });
  const to = document.getElementById('msg-to').value.trim();
  const kind = document.getElementById('msg-kind').value;
  if (to) query.set('to', to);
  if (kind) query.set('kind', kind);
  // The gateway searches (newest first): the page never downloads the whole stream.
  const { messages, total } = await getJSON(`/messages/recent?${query}`);
  if (!messages.length) {
    show(root, empty(total ? 'No message matches.' : 'No messages sent yet.'));
    return;
  }
  const sentAt = (m) => (typeof m.sent_at === 'number' ? time(m.sent_at < 1e12 ? m.sent_at * 1000 : m.sent_at) : String(m.sent_at));
  show(root, el('p', {}, `newest ${messages.length} shown${to || kind ? ' that match' : ''}, of ${total} sent`),
    table(['sent', 'to', 'kind', 'message'], messages.map((m) => [sentAt(m), m.to, m.key.split(':').pop(), el('pre', {}, m.msg)]), 'messages'));
}
