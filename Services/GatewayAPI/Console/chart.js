// A live SVG chart: accepted orders per second and the total lag of every group over the last five minutes.
import { el, show } from './dom.js';

const windowMs = 5 * 60 * 1000;
const samples = []; // { at, orders, lag }
const svgNS = 'http://www.w3.org/2000/svg';

function svg(tag, attributes = {}, text) {
  const node = document.createElementNS(svgNS, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

/** Adds a reading: `ordersCreated` is the length of the order_created stream, `lag` the sum over groups. */
export function record(ordersCreated, lag) {
  const at = Date.now();
  samples.push({ at, orders: ordersCreated, lag });
  while (samples.length && samples[0].at < at - windowMs) samples.shift();
}

export function render(root) {
  const width = 640;
  const height = 200;
  const pad = 36;
  const now = Date.now();
  const rates = [];
  for (let i = 1; i < samples.length; i += 1) {
    const dt = (samples[i].at - samples[i - 1].at) / 1000;
    rates.push({ at: samples[i].at, rate: dt > 0 ? Math.max(0, (samples[i].orders - samples[i - 1].orders) / dt) : 0, lag: samples[i].lag });
  }
  const top = Math.max(1, ...rates.map((r) => Math.max(r.rate, r.lag)));
  const x = (at) => pad + ((at - (now - windowMs)) / windowMs) * (width - 2 * pad);
  const y = (v) => height - pad + 0 - (v / top) * (height - 2 * pad);
  const line = (key) => rates.map((r) => `${x(r.at).toFixed(1)},${y(r[key]).toFixed(1)}`).join(' ');
  const last = rates[rates.length - 1] || { rate: 0, lag: 0 };
  const chart = svg('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': `orders per second ${last.rate.toFixed(1)}, total lag ${last.lag}` });
  chart.append(
    svg('line', { x1: pad, y1: height - pad, x2: width - pad, y2: height - pad, class: 'axis' }),
    svg('line', { x1: pad, y1: pad, x2: pad, y2: height - pad, class: 'axis' }),
    svg('text', { x: 4, y: pad, class: 'label' }, top.toFixed(top < 10 ? 1 : 0)),
    svg('text', { x: 4, y: height - pad, class: 'label' }, '0'),
    svg('text', { x: pad, y: height - 8, class: 'label' }, '−5 min'),
    svg('text', { x: width - pad - 20, y: height - 8, class: 'label' }, 'now'),
    svg('polyline', { points: line('rate'), class: 'orders' }),
    svg('polyline', { points: line('lag'), class: 'lag' }));
  show(root, chart, el('p', { class: 'legend' },
    el('span', { class: 'key orders' }, `orders/s ${last.rate.toFixed(1)}`), ' ', el('span', { class: 'key lag' }, `total lag ${last.lag}`)));
}
