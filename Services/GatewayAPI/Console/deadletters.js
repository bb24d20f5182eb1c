// Dead letters: count per group, each entry with its event, cause, delivery count and time; replay or delete.
import { getJSON, act } from './api.js';
import { el, show, table, empty, time } from './dom.js';

let onChange = () => {};

export function setup(reload) {
  onChange = reload;
  document.getElementById('replay-all').addEventListener('click', async () => {
    await run('POST', '/deadletters/replay', 'replay all');
  });
}

function token() {
  return document.getElementById('token').value.trim();
}

async function run(method, path, what) {
  const result = await act(method, path, token());
  const line = document.getElementById('deadletters-result');
  if (result.ok) {
    line.textContent = `${what}: done${result.data && result.data.replayed !== undefined ? ` (${result.data.replayed} replayed)` : ''}`;
    line.className = 'ok';
  } else {
    line.textContent = `${what}: refused (${result.status}): ${result.error}`;
    line.className = 'bad';
  }
  await onChange();
}

export async function refresh(root) {
  const { dead_letters: letters, counts } = await getJSON('/deadletters?limit=200');
  if (!letters.length) {
    show(root, empty('No dead letters.'));
    return;
  }
  const summary = el('p', {}, Object.entries(counts).map(([group, n]) => `${group}: ${n}`).join(' · '));
  const rows = letters.map((d) => {
    const label = `${d.topic} ${d.id}`;
    const replay = el('button', { type: 'button', 'data-replay': d.id, 'aria-label': `replay ${label}` }, 'Replay');
    replay.addEventListener('click', () => run('POST', `/deadletters/${d.topic}/${d.id}/replay`, `replay ${d.id}`));
    const remove = el('button', { type: 'button', 'data-delete': d.id, 'aria-label': `delete ${label}` }, 'Delete');
    remove.addEventListener('click', () => run('DELETE', `/deadletters/${d.topic}/${d.id}`, `delete ${d.id}`));
    const event = d.event ? `${d.event.topic}_${d.event.action} ${d.event.aggregate_id} v${d.event.version}` : `${d.stream} ${d.entry_id}`;
    return [d.group, event, d.error, String(d.deliveries), time(d.dead_lettered_at), el('span', { class: 'actions' }, replay, remove)];
  });
  show(root, summary, table(['group', 'event', 'cause', 'deliveries', 'dead-lettered at', 'actions'], rows, 'dead letters'));
}
