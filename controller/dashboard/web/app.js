// The dashboard's entry point: asks for the API token once (kept in sessionStorage, or
// localStorage when the user asks to be remembered), then reads the API every few seconds
// and redraws the tables and charts. API failures are shown with the problem's detail.

import { Api, ApiError } from './api.js';
import { drawBacklogChart, drawFlowCharts } from './charts.js';
import { h, setHidden } from './dom.js';
import { ErrorsView } from './errors_view.js';
import { renderFleet, renderFlows, renderRuns, renderSummary, syncOptions } from './views.js';

const TOKEN_KEY = 'ferry.dashboard.token';
const REFRESH_MS = 5000;
const CHART_RUNS = 500;   // the runs behind the charts and each flow's last run
const TABLE_ROWS = 50;
const OPEN_ERRORS_COUNTED = 200;  // the summary says "200+" beyond

const $ = (id) => document.getElementById(id);

function storedToken() {
  return sessionStorage.getItem(TOKEN_KEY) || localStorage.getItem(TOKEN_KEY) || '';
}

function storeToken(token, remember) {
  sessionStorage.setItem(TOKEN_KEY, token);
  if (remember) localStorage.setItem(TOKEN_KEY, token);
  else localStorage.removeItem(TOKEN_KEY);
}

function forgetToken() {
  sessionStorage.removeItem(TOKEN_KEY);
  localStorage.removeItem(TOKEN_KEY);
}

class Dashboard {
  constructor() {
    this.api = null;
    this.timer = null;
    this.inFlight = null;
    this.again = null;
    this.lastOk = 0;
    this.errorsView = null;
  }

  start() {
    $('login-form').addEventListener('submit', (event) => {
      event.preventDefault();
      this.signIn($('token-input').value.trim(), $('remember-input').checked);
    });
    $('logout').addEventListener('click', () => this.logout(''));
    $('refresh-now').addEventListener('click', () => this.refresh());
    for (const id of ['runs-flow', 'runs-agent', 'runs-state', 'errors-state']) {
      $(id).addEventListener('change', () => this.refresh());
    }
    document.addEventListener('visibilitychange', () => {
      if (!document.hidden && this.api) this.refresh();
    });
    const token = storedToken();
    if (token) this.open(token);
    else this.showLogin('');
  }

  showLogin(message) {
    this.stopTimer();
    this.api = null;
    setHidden($('main'), true);
    setHidden($('logout'), true);
    setHidden($('refresh-now'), true);
    setHidden($('login'), false);
    this.clearAlert();
    $('refresh-status').textContent = '';
    $('login-error').textContent = message;
    $('token-input').value = '';
    $('token-input').focus();
  }

  async signIn(token, remember) {
    if (!token) {
      $('login-error').textContent = 'Enter an API token.';
      return;
    }
    // Check the token before keeping it, so a typo is reported here and not as a refresh error.
    try {
      await new Api(token, null).agents();
    } catch (err) {
      $('login-error').textContent = err instanceof ApiError && err.status === 401
        ? 'The controller refused this token (401). Check it, or create a new one.'
        : `Cannot sign in: ${err instanceof ApiError ? err.headline() : err}`;
      return;
    }
    storeToken(token, remember);
    this.open(token);
  }

  open(token) {
    this.api = new Api(token, (err) => this.logout(`The controller refused the stored token: ${err.detail}`));
    this.errorsView = this.errorsView || new ErrorsView($('errors-table'), {
      api: null,
      notify: (text) => this.notify(text),
      showError: (err) => this.showError(err),
      refresh: () => this.refresh(),
    });
    this.errorsView.actions.api = this.api;
    setHidden($('login'), true);
    setHidden($('main'), false);
    setHidden($('logout'), false);
    setHidden($('refresh-now'), false);
    $('login-error').textContent = '';
    this.refresh();
    this.stopTimer();
    this.timer = setInterval(() => {
      if (!document.hidden) this.refresh();
    }, REFRESH_MS);
  }

  logout(message) {
    forgetToken();
    this.showLogin(message);
  }

  stopTimer() {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  notify(text) {
    $('notice').textContent = text;
  }

  clearAlert() {
    const alert = $('alert');
    alert.replaceChildren();
    alert.hidden = true;
    delete alert.dataset.kind;
  }

  // kind 'action': the answer to something the user did, shown until dismissed;
  // 'refresh': a failed update, cleared by the next one that works.
  showError(err, kind = 'action') {
    const alert = $('alert');
    alert.dataset.kind = kind;
    const problem = err instanceof ApiError ? err : null;
    const lines = problem ? problem.errors.map((e) => h('li', {}, e.pointer ? h('code', { text: e.pointer }) : null,
      e.pointer ? ' ' : null, e.detail)) : [];
    alert.replaceChildren(
      h('strong', { text: problem ? problem.headline() : String(err) }),
      problem && problem.path ? h('span', { class: 'muted', text: ` (${problem.path})` }) : null,
      lines.length ? h('ul', {}, lines) : null,
      h('button', { type: 'button', class: 'small quiet', text: 'Dismiss', onclick: () => this.clearAlert() }));
    alert.hidden = false;
  }

  // One refresh at a time. Asked again while one runs (a changed filter, an action), one
  // more follows it, so what the page shows is never older than the request.
  refresh() {
    if (!this.api) return Promise.resolve();
    if (this.inFlight) {
      this.again = this.again || this.inFlight.then(() => {
        this.again = null;
        return this.refresh();
      });
      return this.again;
    }
    this.inFlight = this.load().finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  async load() {
    const api = this.api;
    const runFilters = {
      flow: $('runs-flow').value, agent: $('runs-agent').value, state: $('runs-state').value, limit: TABLE_ROWS,
    };
    const errorState = $('errors-state').value;
    $('refresh-status').textContent = 'Updating…';
    try {
      const [agents, integrations, flows, recentRuns, tableRuns, errors, openErrors] = await Promise.all([
        api.agents(),
        api.integrations(),
        api.flows(),
        api.runs({ limit: CHART_RUNS }),
        api.runs(runFilters),
        api.errors({ state: errorState, limit: TABLE_ROWS }),
        api.errors({ state: 'open', limit: OPEN_ERRORS_COUNTED }),
      ]);
      if (api !== this.api) return;  // logged out meanwhile
      const now = Date.now();
      renderSummary($('summary'), { agents, flows, runs: recentRuns.items, errors: openErrors });
      renderFleet($('fleet-table'), agents, now);
      drawFlowCharts($('flow-charts'), recentRuns.items, now);
      drawBacklogChart($('backlog-chart'), agents);
      renderFlows($('flows-table'), integrations, flows, recentRuns.items, now, (flowId, button) => this.runNow(flowId, button));
      syncOptions($('runs-flow'), flows.map((f) => f.id).sort());
      syncOptions($('runs-agent'), agents.map((a) => a.id));
      renderRuns($('runs-table'), tableRuns.items, now);
      this.errorsView.render(errors.items, now);
      this.lastOk = now;
      $('refresh-status').textContent = `Updated ${new Date(now).toLocaleTimeString()}`;
      if ($('alert').dataset.kind === 'refresh') this.clearAlert();
    } catch (err) {
      if (api !== this.api) return;
      $('refresh-status').textContent = this.lastOk
        ? `Update failed; showing data from ${new Date(this.lastOk).toLocaleTimeString()}`
        : 'Update failed';
      this.showError(err, 'refresh');
    }
  }

  async runNow(flowId, button) {
    button.disabled = true;
    try {
      const command = await this.api.runFlow(flowId);
      this.notify(`Run of ${flowId} queued: command ${command.id} for ${command.agent}.`);
    } catch (err) {
      this.showError(err);
    } finally {
      button.disabled = false;
    }
    await this.refresh();
  }
}

new Dashboard().start();
