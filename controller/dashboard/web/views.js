// The read-only tables: summary tiles, the fleet, integrations with their flows, and runs.
// Rows are keyed by id and updated in place on every refresh (dom.js syncKeyed).

import {
  badge, fill, formatAge, formatDuration, formatNumber, h, setHidden, syncKeyed, timeAgo,
} from './dom.js';

export function renderSummary(dl, { agents, flows, runs, errors }) {
  const online = agents.filter((a) => a.online).length;
  const failedRuns = runs.filter((r) => r.state === 'failed').length;
  const backlog = agents.reduce((sum, a) => sum + (a.backlog?.outboxBacklog || 0), 0);
  const openErrors = errors.items.length + (errors.nextCursor ? '+' : '');
  const tiles = [
    ['Agents online', `${online} of ${agents.length}`],
    ['Flows', formatNumber(flows.length)],
    ['Failed runs (latest 500)', formatNumber(failedRuns)],
    ['Open errors', String(openErrors)],
    ['Outbox backlog', formatNumber(backlog)],
  ];
  syncKeyed(dl, tiles, (t) => t[0], (t) => h('div', { class: 'tile' }, h('dt', { text: t[0] }), h('dd')),
    (tile, t) => fill(tile.querySelector('dd'), t[1]));
}

function deploymentCell(agent) {
  if (!agent.desiredVersion) return h('span', { class: 'muted', text: 'nothing deployed' });
  if (agent.upToDate) return h('span', { text: `v${agent.desiredVersion} applied` });
  const parts = [h('span', { class: 'warn', text: `v${agent.desiredVersion} pending` })];
  if (agent.appliedVersion) parts.push(h('span', { class: 'muted', text: ` (runs v${agent.appliedVersion})` }));
  if (agent.rejectedVersion === agent.desiredVersion) {
    parts.splice(0, 1, h('span', { class: 'bad', text: `v${agent.desiredVersion} rejected` }));
  }
  if (agent.error) parts.push(h('div', { class: 'cell-note', text: agent.error }));
  return parts;
}

export function renderFleet(table, agents, nowMs) {
  const tbody = table.tBodies[0];
  syncKeyed(tbody, agents, (a) => a.id, () => h('tr', {},
    h('th', { scope: 'row' }), h('td'), h('td'), h('td'), h('td'),
    h('td', { class: 'num' }), h('td', { class: 'num' }), h('td', { class: 'num' })),
  (row, a) => {
    const c = row.cells;
    fill(c[0], a.id, a.name && a.name !== a.id ? h('div', { class: 'cell-note', text: a.name }) : null);
    fill(c[1], badge(a.online ? 'online' : 'offline'),
      a.enrolled ? null : h('div', { class: 'cell-note', text: 'not enrolled yet' }));
    fill(c[2], a.agentVersion || h('span', { class: 'muted', text: 'unknown' }));
    fill(c[3], deploymentCell(a));
    fill(c[4], timeAgo(a.lastSeen, nowMs));
    fill(c[5], formatNumber(a.backlog?.outboxBacklog ?? 0));
    fill(c[6], formatNumber(a.backlog?.queueDepth ?? 0));
    fill(c[7], formatAge(a.backlog?.oldestUndeliveredAgeSeconds));
  });
  setHidden(document.getElementById('fleet-empty'), agents.length > 0);
}

// Flows grouped by integration (integrations without flows still get a row), each with the
// newest run among `runs`. onRunNow(flowId, button) queues a run-flow command.
export function renderFlows(table, integrations, flows, runs, nowMs, onRunNow) {
  const lastRun = new Map();
  for (const run of runs) {
    if (!lastRun.has(run.flow)) lastRun.set(run.flow, run);  // runs come newest first
  }
  const names = new Map(integrations.map((i) => [i.id, i.resource?.name || i.id]));
  const rows = [];
  const withFlows = new Set();
  for (const f of flows) {
    const integration = f.integration || '';
    withFlows.add(integration);
    rows.push({ key: `flow/${f.id}`, integration, flow: f.id, agent: f.resource?.agent || '', run: lastRun.get(f.id) });
  }
  for (const i of integrations) {
    if (!withFlows.has(i.id)) rows.push({ key: `integration/${i.id}`, integration: i.id, flow: null });
  }
  rows.sort((a, b) => a.integration.localeCompare(b.integration) || String(a.flow).localeCompare(String(b.flow)));
  const tbody = table.tBodies[0];
  syncKeyed(tbody, rows, (r) => r.key, (r) => {
    const action = h('td');
    if (r.flow) {
      action.append(h('button', {
        type: 'button', class: 'small secondary', text: 'Run now', 'aria-label': `Run flow ${r.flow} now`,
        onclick: (event) => onRunNow(r.flow, event.currentTarget),
      }));
    }
    return h('tr', {}, h('td'), h('th', { scope: 'row' }), h('td'), h('td'), h('td'),
      h('td', { class: 'num' }), h('td', { class: 'num' }), action);
  }, (row, r) => {
    const c = row.cells;
    const label = names.get(r.integration);
    fill(c[0], r.integration ? r.integration : h('span', { class: 'muted', text: 'none' }),
      label && label !== r.integration ? h('div', { class: 'cell-note', text: label }) : null);
    fill(c[1], r.flow || h('span', { class: 'muted', text: 'no flows' }));
    fill(c[2], r.agent);
    fill(c[3], r.flow ? (r.run ? timeAgo(r.run.startedAt, nowMs) : h('span', { class: 'muted', text: 'no recent run' })) : '');
    fill(c[4], r.run ? badge(r.run.state) : '');
    fill(c[5], r.run ? formatNumber(r.run.counts.written) : '');
    fill(c[6], r.run ? formatNumber(r.run.counts.failed) : '');
  });
  setHidden(document.getElementById('flows-empty'), rows.length > 0);
}

export function renderRuns(table, runs, nowMs) {
  const tbody = table.tBodies[0];
  syncKeyed(tbody, runs, (r) => r.id, () => h('tr', {},
    h('td'), h('th', { scope: 'row' }), h('td'), h('td'), h('td'),
    h('td', { class: 'num' }), h('td', { class: 'num' }), h('td', { class: 'num' }), h('td', { class: 'num' }),
    h('td', { class: 'num' })),
  (row, r) => {
    const c = row.cells;
    row.classList.toggle('has-failures', r.counts.failed > 0);
    fill(c[0], timeAgo(r.startedAt, nowMs));
    fill(c[1], r.flow);
    fill(c[2], r.agent);
    fill(c[3], r.trigger || '');
    fill(c[4], badge(r.state), r.errorSummary ? h('div', { class: 'cell-note', text: r.errorSummary }) : null);
    fill(c[5], formatNumber(r.counts.read));
    fill(c[6], formatNumber(r.counts.filtered));
    fill(c[7], formatNumber(r.counts.written));
    fill(c[8], formatNumber(r.counts.failed));
    fill(c[9], r.finishedAt ? formatDuration(r.durationSeconds) : h('span', { class: 'muted', text: 'running' }));
  });
  setHidden(document.getElementById('runs-empty'), runs.length > 0);
}

// Keeps a <select>'s options equal to "" (its first option) plus `values`, keeping the choice.
export function syncOptions(select, values) {
  const first = select.options[0];
  const current = select.value;
  const wanted = [first.value, ...values];
  const have = Array.from(select.options).map((o) => o.value);
  if (wanted.length === have.length && wanted.every((v, i) => v === have[i])) return;
  select.replaceChildren(first, ...values.map((v) => h('option', { value: v, text: v })));
  select.value = wanted.includes(current) ? current : '';
}
