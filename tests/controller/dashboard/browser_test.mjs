// The dashboard as a person uses it, in headless Chromium (Debian's /usr/bin/chromium)
// driven by playwright-core, against the controller run_browser_test.sh started. Seeds
// agents and an integration with flows through the REST API, runs and errors through the
// store (dashboard_seed_store: only agents report those), then checks what the page shows
// and that its Retry and Resolve buttons reach the store. Exits non-zero on the first
// failed check, naming it.
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set (run this through run_browser_test.sh)`);
  return value;
};
const BASE = env('FERRY_URL');
const TOKEN = env('FERRY_TOKEN');
const require = createRequire(join(resolve(env('FERRY_NODE_DIR')), 'package.json'));
const { chromium } = require('playwright-core');

let passed = 0;
function ok(what) {
  passed += 1;
  console.log(`ok ${passed} - ${what}`);
}
function check(condition, what, detail = '') {
  if (!condition) throw new Error(`${what}${detail ? `: ${detail}` : ''}`);
  ok(what);
}
// Polls fn until it returns a truthy value; fails naming `what` after `ms`.
async function eventually(what, fn, ms = 15000) {
  const deadline = Date.now() + ms;
  let last;
  for (;;) {
    try {
      last = await fn();
      if (last) {
        ok(what);
        return last;
      }
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`${what}: not true after ${ms} ms (last: ${last})`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function api(method, path, body) {
  const res = await fetch(BASE + path, {
    method,
    headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const data = text ? JSON.parse(text) : null;
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return data;
}

async function seedThroughApi() {
  await api('POST', '/api/v1/agents', { id: 'plant-1', name: 'Plant 1 (Hamburg)' });
  await api('POST', '/api/v1/agents', { id: 'plant-2', name: 'Plant 2 (Porto)' });
  const resources = [
    { kind: 'integration', id: 'erp', name: 'ERP to warehouse' },
    { kind: 'connection', id: 'erp-db', integration: 'erp', type: 'sqlite', settings: { path: '/tmp/erp.db' } },
    { kind: 'connection', id: 'dwh', integration: 'erp', type: 'sqlite', settings: { path: '/tmp/dwh.db' } },
    { kind: 'export', id: 'orders-in', integration: 'erp', connection: 'erp-db', type: 'query', query: 'SELECT * FROM orders' },
    { kind: 'export', id: 'invoices-in', integration: 'erp', connection: 'erp-db', type: 'query', query: 'SELECT * FROM invoices' },
    { kind: 'import', id: 'orders-out', integration: 'erp', connection: 'dwh', type: 'table', table: 'orders', mode: 'insert' },
    { kind: 'import', id: 'invoices-out', integration: 'erp', connection: 'dwh', type: 'table', table: 'invoices', mode: 'insert' },
    { kind: 'flow', id: 'orders', integration: 'erp', agent: 'plant-1', sources: ['orders-in'], steps: [{ import: 'orders-out' }] },
    { kind: 'flow', id: 'invoices', integration: 'erp', agent: 'plant-2', sources: ['invoices-in'], steps: [{ import: 'invoices-out' }] },
  ];
  for (const r of resources) await api('PUT', `/api/v1/resources/${r.kind}/${r.id}`, r);
  await api('POST', '/api/v1/integrations/erp/deploy', {});
  ok('agents, an integration and two flows created and deployed through the API');
  const seeded = JSON.parse(execFileSync(env('FERRY_SEED'), ['--state', env('FERRY_STATE')], { encoding: 'utf8' }));
  check(seeded.errors.length === 3 && seeded.runs.length === 19, 'runs and errors seeded into the store',
    JSON.stringify(seeded));
  return seeded;
}

async function main() {
  const index = await fetch(`${BASE}/`);
  check(index.status === 200 && (index.headers.get('content-type') || '').startsWith('text/html'),
    'the controller serves the dashboard at /',
    `GET / answered ${index.status} ${index.headers.get('content-type')} (is dashboardResponse wired into the service?)`);
  const seeded = await seedThroughApi();
  const [firstError, secondError, thirdError] = seeded.errors;

  const userDataDir = mkdtempSync(join(env('FERRY_TMP'), 'chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: env('FERRY_CHROMIUM'),
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1400, height: 1000 },
  });
  const problems = [];
  try {
    const page = context.pages()[0] || await context.newPage();
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => {
      // The 401 of the wrong token and the 409 of the refused retry are provoked below;
      // CSP refusals, script errors and other failed loads are not.
      if (m.type() === 'error' && !/status of (401|409)/.test(m.text())) problems.push(`console: ${m.text()}`);
    });
    page.on('request', (r) => {
      if (!r.url().startsWith(BASE)) problems.push(`request outside the controller: ${r.url()}`);
    });
    await page.goto(`${BASE}/`);

    // The token is asked for once; a wrong one is refused with the reason.
    const tokenField = page.getByLabel('API token');
    await tokenField.waitFor({ state: 'visible' });
    ok('the page asks for the API token');
    await tokenField.fill('ferry_pat_not-a-real-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await eventually('a refused token is reported', async () => /refused this token \(401\)/.test(await page.locator('#login-error').textContent()));
    await tokenField.fill(TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Fleet' }).waitFor({ state: 'visible' });
    ok('signed in with the API token');

    const fleet = page.locator('#fleet-table');
    const plant1 = fleet.getByRole('row', { name: /plant-1/ });
    const plant2 = fleet.getByRole('row', { name: /plant-2/ });
    await eventually('plant-1 is shown online with its agent version', async () => {
      const t = await plant1.textContent();
      return t.includes('online') && t.includes('0.1.0') && t.includes('v1 applied') && t.includes('42');
    });
    await eventually('plant-2 is shown offline with its backlog', async () => {
      const t = await plant2.textContent();
      return t.includes('offline') && t.includes('310') && t.includes('v1 pending');
    });

    const flows = page.locator('#flows-table');
    await eventually('flows are listed under their integration with their last run', async () => {
      const orders = await flows.getByRole('row', { name: /orders/ }).textContent();
      const invoices = await flows.getByRole('row', { name: /invoices/ }).textContent();
      return orders.includes('erp') && orders.includes('running') && invoices.includes('plant-2')
        && invoices.includes('succeeded');
    });

    const runs = page.locator('#runs-table tbody tr');
    await eventually('the seeded runs are shown with counts and states', async () => {
      const text = await page.locator('#runs-table').textContent();
      return (await runs.count()) === 19 && text.includes('partial') && text.includes('failed')
        && text.includes('connection refused by the invoice database') && text.includes('285');
    });

    for (const id of seeded.errors) {
      await page.locator(`#errors-table tbody[data-key="${id}"]`).waitFor({ state: 'visible' });
    }
    const errorsText = await page.locator('#errors-table').textContent();
    check(errorsText.includes("column amount: '12,50' is not a number") && errorsText.includes('import:orders-out'),
      'the seeded errors are shown with their messages and step');

    const flowCharts = await page.locator('#flow-charts svg[role="img"]').count();
    const orderBars = await page.locator('#flow-charts svg[data-flow="orders"] rect.moved').count();
    const failedBars = await page.locator('#flow-charts svg[data-flow="orders"] rect.failed').count();
    check(flowCharts === 2 && orderBars >= 6 && failedBars >= 1,
      'records moved and failed are charted per flow', `${flowCharts} charts, ${orderBars} moved and ${failedBars} failed bars`);
    const backlogWidth = (agent) => page.locator(`#backlog-chart g[data-agent="${agent}"] rect.backlog`).getAttribute('width');
    const [w1, w2] = [Number(await backlogWidth('plant-1')), Number(await backlogWidth('plant-2'))];
    check(w2 > w1 && w1 > 0, 'each agent\'s outbox backlog is charted to scale', `widths ${w1} and ${w2}`);

    await page.screenshot({ path: env('FERRY_SCREENSHOT'), fullPage: true });
    ok(`screenshot saved to ${env('FERRY_SCREENSHOT')}`);

    // The record behind an error.
    const group = (id) => page.locator(`#errors-table tbody[data-key="${id}"]`);
    await group(firstError).getByRole('button', { name: `Show the record of error ${firstError}` }).click();
    await eventually('the failed record is shown', async () => (await group(firstError).locator('pre.record').textContent()).includes('"amount": "12,50"'));

    // Retry: the button queues a command for the agent, visible through the API.
    await page.getByRole('button', { name: `Retry error ${firstError}`, exact: true }).click();
    await eventually('the page confirms the queued retry', async () => /Retrying 1 error: queued retry-errors .* for plant-1/.test(await page.locator('#notice').textContent()));
    const commands = await api('GET', '/api/v1/commands?agent=plant-1');
    const retry = commands.items.find((c) => c.type === 'retry-errors' && c.args.errorIds.includes(firstError));
    check(retry && retry.state === 'pending', 'the retry command reached the store', JSON.stringify(commands.items));
    check((await api('GET', `/api/v1/errors/${firstError}`)).state === 'retrying', 'the retried error is retrying');
    await eventually('the retried error leaves the open list', async () => (await group(firstError).count()) === 0);

    // Resolve, then a retry of the resolved error: the API's 409 is shown with its detail.
    await page.getByRole('button', { name: `Resolve error ${secondError}`, exact: true }).click();
    await eventually('the resolved error is resolved in the store', async () => (await api('GET', `/api/v1/errors/${secondError}`)).state === 'resolved');
    await page.locator('#errors-state').selectOption('resolved');
    // The row can still be the open list's until the refresh for the new filter lands.
    await eventually('a resolved error cannot be retried from its row',
      async () => group(secondError).getByRole('button', { name: `Retry error ${secondError}` }).isDisabled({ timeout: 1000 }));
    await group(secondError).getByRole('checkbox').check();
    await page.getByRole('button', { name: /Retry selected/ }).click();
    await eventually('the API\'s problem detail is shown when a retry is refused', async () => {
      const alert = page.getByRole('alert').filter({ hasText: 'Conflict (409)' });
      const text = await alert.textContent();
      return text.includes('some errors cannot be retried') && text.includes('/ids/0') && text.includes('is resolved');
    });
    check((await api('GET', `/api/v1/errors/${thirdError}`)).state === 'open', 'errors nobody acted on stay open');

    // Retry with an edited record: the edit travels with the command.
    await page.locator('#errors-state').selectOption('open');
    await group(thirdError).getByRole('button', { name: `Show the record of error ${thirdError}` }).click();
    const editor = group(thirdError).getByLabel('Edit the record before retrying (optional)');
    await eventually('the record can be edited', async () => (await editor.inputValue()).includes('1003'));
    await editor.fill('{"orderId": 1003, "amount": "8.50", "note": "fixed by hand"}');
    await group(thirdError).getByRole('button', { name: 'Retry with this record' }).click();
    await eventually('the edited record reached the store with the retry command', async () => {
      const list = await api('GET', '/api/v1/commands?agent=plant-1&state=pending');
      const c = list.items.find((x) => x.type === 'retry-errors' && x.args.errorIds.includes(thirdError));
      return c && c.args.record && c.args.record.note === 'fixed by hand';
    });

    // Asked once: a reload keeps the session; logging out forgets the token.
    await page.reload();
    await page.getByRole('heading', { name: 'Fleet' }).waitFor({ state: 'visible' });
    check(!(await page.getByLabel('API token').isVisible()), 'a reload does not ask for the token again');
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByLabel('API token').waitFor({ state: 'visible' });
    const kept = await page.evaluate(() => sessionStorage.length + localStorage.length);
    check(kept === 0, 'logging out forgets the token', `${kept} storage entries left`);
    check(problems.length === 0, 'no script errors, refused resources or outside requests', problems.join('; '));
  } finally {
    await context.close();
  }
  console.log(`${passed} passed, 0 failed`);
}

main().catch((e) => {
  console.error(`not ok - ${e.message}`);
  console.log(`${passed} passed, 1 failed`);
  process.exit(1);
});
