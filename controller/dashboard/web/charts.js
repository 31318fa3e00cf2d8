// Charts drawn as inline SVG from API data: records moved (written) and failed per flow over
// time, from the runs list, and each agent's outbox backlog, from the agents list. Each
// chart carries a <title> and a <desc> with its numbers for screen readers; each bar has a
// tooltip with its own.

import { formatNumber, h, svg } from './dom.js';

const MINUTE = 60e3;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
// Bucket widths to choose from, so a chart never has more than MAX_BUCKETS bars.
const STEPS = [MINUTE, 5 * MINUTE, 15 * MINUTE, 30 * MINUTE, HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, DAY];
const MAX_BUCKETS = 24;
const MIN_FAILED_HEIGHT = 3;

let chartCounter = 0;

function nextId(prefix) {
  chartCounter += 1;
  return `${prefix}-${chartCounter}`;
}

function runTime(run) {
  return Date.parse(run.finishedAt || run.startedAt);
}

function formatTick(ms, step) {
  const d = new Date(ms);
  if (step >= DAY) return d.toLocaleDateString([], { month: 'short', day: 'numeric' });
  return d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

// Groups runs per flow into equal time buckets ending now. Returns
// {start, step, count, flows: [{flow, buckets: [{written, failed, runs}], written, failed, runs}]}
// or null when there is no run with a time.
export function bucketRuns(runs, nowMs) {
  const timed = runs.filter((r) => Number.isFinite(runTime(r)));
  if (timed.length === 0) return null;
  const earliest = Math.min(...timed.map(runTime));
  const span = Math.max(nowMs - earliest, MINUTE);
  const step = STEPS.find((s) => span / s <= MAX_BUCKETS) || DAY;
  const end = Math.ceil((nowMs + 1) / step) * step;
  const count = Math.min(MAX_BUCKETS, Math.max(1, Math.ceil((end - earliest) / step)));
  const start = end - count * step;
  const byFlow = new Map();
  for (const run of timed) {
    const t = runTime(run);
    if (t < start) continue;
    const i = Math.min(count - 1, Math.floor((t - start) / step));
    if (!byFlow.has(run.flow)) {
      byFlow.set(run.flow, {
        flow: run.flow,
        buckets: Array.from({ length: count }, () => ({ written: 0, failed: 0, runs: 0 })),
        written: 0,
        failed: 0,
        runs: 0,
      });
    }
    const entry = byFlow.get(run.flow);
    const written = run.counts?.written || 0;
    const failed = run.counts?.failed || 0;
    entry.buckets[i].written += written;
    entry.buckets[i].failed += failed;
    entry.buckets[i].runs += 1;
    entry.written += written;
    entry.failed += failed;
    entry.runs += 1;
  }
  const flows = Array.from(byFlow.values()).sort((a, b) => a.flow.localeCompare(b.flow));
  return { start, step, count, flows };
}

// One small chart: stacked bars (moved below, failed above) per time bucket.
function flowChart(entry, start, step, count) {
  const width = 320;
  const height = 150;
  const pad = { left: 44, right: 8, top: 10, bottom: 24 };
  const plotW = width - pad.left - pad.right;
  const plotH = height - pad.top - pad.bottom;
  const max = Math.max(1, ...entry.buckets.map((b) => b.written + b.failed));
  const slot = plotW / count;
  const barW = Math.max(2, slot * 0.7);
  const titleId = nextId('flow-chart-title');
  const descId = nextId('flow-chart-desc');
  const from = new Date(start).toLocaleString();
  const to = new Date(start + count * step).toLocaleString();
  const y = (v) => pad.top + plotH - (v / max) * plotH;
  const bars = entry.buckets.map((b, i) => {
    if (b.runs === 0) return null;
    const x = pad.left + i * slot + (slot - barW) / 2;
    const label = `${formatTick(start + i * step, step)}–${formatTick(start + (i + 1) * step, step)}: `
      + `${formatNumber(b.written)} moved, ${formatNumber(b.failed)} failed in ${b.runs} run${b.runs === 1 ? '' : 's'}`;
    const movedTop = y(b.written);
    // A few failed records beside thousands moved would be invisible at scale; they matter
    // most, so their part of the bar is never thinner than MIN_FAILED_HEIGHT.
    const failedTop = Math.min(y(b.written + b.failed), b.failed > 0 ? movedTop - MIN_FAILED_HEIGHT : movedTop);
    return svg('g', { class: 'bar' },
      svg('title', { text: label }),
      b.written > 0 ? svg('rect', { class: 'moved', x: x.toFixed(1), y: movedTop.toFixed(1), width: barW.toFixed(1),
        height: Math.max(1, pad.top + plotH - movedTop).toFixed(1) }) : null,
      b.failed > 0 ? svg('rect', { class: 'failed', x: x.toFixed(1), y: failedTop.toFixed(1), width: barW.toFixed(1),
        height: Math.max(1, movedTop - failedTop).toFixed(1) }) : null,
      b.written + b.failed === 0 ? svg('rect', { class: 'empty-run', x: x.toFixed(1), y: (pad.top + plotH - 1).toFixed(1),
        width: barW.toFixed(1), height: 1 }) : null);
  });
  const chart = svg('svg', {
    class: 'chart', viewBox: `0 0 ${width} ${height}`, role: 'img',
    'aria-labelledby': `${titleId} ${descId}`, 'data-flow': entry.flow,
  },
  svg('title', { id: titleId, text: `Flow ${entry.flow}: records moved and failed over time` }),
  svg('desc', { id: descId, text: `${formatNumber(entry.written)} records moved and ${formatNumber(entry.failed)} failed `
    + `in ${entry.runs} runs between ${from} and ${to}.` }),
  svg('line', { class: 'axis', x1: pad.left, y1: pad.top + plotH, x2: width - pad.right, y2: pad.top + plotH }),
  svg('line', { class: 'grid', x1: pad.left, y1: pad.top, x2: width - pad.right, y2: pad.top }),
  svg('text', { class: 'tick', x: pad.left - 4, y: pad.top + 4, 'text-anchor': 'end', text: formatNumber(max) }),
  svg('text', { class: 'tick', x: pad.left - 4, y: pad.top + plotH, 'text-anchor': 'end', text: '0' }),
  svg('text', { class: 'tick', x: pad.left, y: height - 6, 'text-anchor': 'start', text: formatTick(start, step) }),
  svg('text', { class: 'tick', x: width - pad.right, y: height - 6, 'text-anchor': 'end',
    text: formatTick(start + count * step, step) }),
  ...bars);
  return h('div', { class: 'flow-chart' },
    h('h3', {},
      entry.flow,
      h('span', { class: 'chart-totals', text: ` ${formatNumber(entry.written)} moved · ${formatNumber(entry.failed)} failed` })),
    chart);
}

// Replaces container's content with one chart per flow that ran.
export function drawFlowCharts(container, runs, nowMs) {
  const data = bucketRuns(runs, nowMs);
  if (!data || data.flows.length === 0) {
    container.replaceChildren(h('p', { class: 'empty', text: 'No runs yet.' }));
    return;
  }
  container.replaceChildren(...data.flows.map((f) => flowChart(f, data.start, data.step, data.count)));
}

// Horizontal bars, one per agent, with the number at the end of each bar.
export function drawBacklogChart(container, agents) {
  if (agents.length === 0) {
    container.replaceChildren(h('p', { class: 'empty', text: 'No agents yet.' }));
    return;
  }
  const rowH = 26;
  const width = 480;
  const labelW = 130;
  const valueW = 70;
  const top = 6;
  const height = top * 2 + rowH * agents.length;
  const plotW = width - labelW - valueW;
  const max = Math.max(1, ...agents.map((a) => a.backlog?.outboxBacklog || 0));
  const titleId = nextId('backlog-title');
  const descId = nextId('backlog-desc');
  const summary = agents.map((a) => `${a.id}: ${formatNumber(a.backlog?.outboxBacklog || 0)}`).join(', ');
  const rows = agents.map((a, i) => {
    const value = a.backlog?.outboxBacklog || 0;
    const y = top + i * rowH;
    const w = Math.max(value > 0 ? 2 : 0, (value / max) * plotW);
    const name = a.id.length > 18 ? `${a.id.slice(0, 17)}…` : a.id;
    const age = a.backlog?.oldestUndeliveredAgeSeconds || 0;
    const tip = `${a.id}: ${formatNumber(value)} events waiting${age ? `, oldest ${age} s` : ''}${a.online ? '' : ' (offline)'}`;
    return svg('g', { class: `backlog-row${a.online ? '' : ' offline'}`, 'data-agent': a.id },
      svg('title', { text: tip }),
      svg('text', { class: 'label', x: labelW - 8, y: y + rowH / 2 + 4, 'text-anchor': 'end', text: name }),
      svg('rect', { class: 'track', x: labelW, y: y + 5, width: plotW, height: rowH - 10 }),
      svg('rect', { class: 'backlog', x: labelW, y: y + 5, width: w.toFixed(1), height: rowH - 10 }),
      svg('text', { class: 'value', x: labelW + plotW + 6, y: y + rowH / 2 + 4, text: formatNumber(value) }));
  });
  container.replaceChildren(svg('svg', {
    class: 'chart backlog-chart', viewBox: `0 0 ${width} ${height}`, role: 'img',
    'aria-labelledby': `${titleId} ${descId}`,
  },
  svg('title', { id: titleId, text: 'Outbox backlog per agent' }),
  svg('desc', { id: descId, text: `Events waiting to reach the controller: ${summary}.` }),
  ...rows));
}
