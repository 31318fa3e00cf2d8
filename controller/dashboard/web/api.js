// The controller's REST API (/api/v1, docs/api.md) as the dashboard uses it: every call
// carries the bearer token, and a non-2xx answer becomes an ApiError built from the
// application/problem+json body, so the page can show its `detail` and field pointers.

export class ApiError extends Error {
  constructor(status, problem, path) {
    const body = problem && typeof problem === 'object' ? problem : {};
    const detail = body.detail || body.title || (status ? `HTTP ${status}` : 'no answer');
    super(detail);
    this.name = 'ApiError';
    this.status = status;
    this.title = body.title || (status ? `HTTP ${status}` : 'Network error');
    this.detail = detail;
    this.errors = Array.isArray(body.errors) ? body.errors : [];
    this.path = path;
  }

  // One line for a person: "Conflict (409): some errors cannot be retried".
  headline() {
    return this.status ? `${this.title} (${this.status}): ${this.detail}` : `${this.title}: ${this.detail}`;
  }
}

export class Api {
  // onUnauthorized(error) runs when the controller refuses the token (401).
  constructor(token, onUnauthorized) {
    this.token = token;
    this.onUnauthorized = onUnauthorized;
  }

  async request(method, path, body) {
    const headers = { Accept: 'application/json, application/problem+json' };
    if (this.token) headers.Authorization = `Bearer ${this.token}`;
    const init = { method, headers, cache: 'no-store' };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(path, init);
    } catch (e) {
      throw new ApiError(0, { title: 'Network error', detail: `cannot reach the controller (${e.message})` }, path);
    }
    const text = await response.text();
    let data = null;
    if (text) {
      try {
        data = JSON.parse(text);
      } catch {
        data = null;
      }
    }
    if (!response.ok) {
      const problem = data && typeof data === 'object'
        ? data
        : { title: response.statusText, detail: text.slice(0, 300) || response.statusText };
      const error = new ApiError(response.status, problem, path);
      if (response.status === 401 && this.onUnauthorized) this.onUnauthorized(error);
      throw error;
    }
    return data;
  }

  get(path, query) {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query || {})) {
      if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
    }
    const qs = params.toString();
    return this.request('GET', qs ? `${path}?${qs}` : path);
  }

  post(path, body) {
    return this.request('POST', path, body);
  }

  async agents() {
    return (await this.get('/api/v1/agents')).items;
  }

  async integrations() {
    return (await this.get('/api/v1/integrations')).items;
  }

  async flows() {
    return (await this.get('/api/v1/resources', { kind: 'flow' })).items;
  }

  // {items, nextCursor}; filters: flow, agent, integration, state, from, to, limit, cursor.
  runs(filters) {
    return this.get('/api/v1/runs', filters);
  }

  // {items, nextCursor}; filters: run, flow, agent, state, limit, cursor.
  errors(filters) {
    return this.get('/api/v1/errors', filters);
  }

  // One error with its `record`.
  error(id) {
    return this.get(`/api/v1/errors/${encodeURIComponent(id)}`);
  }

  // 202 {commands: [{id, agent, type, errorIds}], changed}. `record` (retry only) replaces
  // the failed record of a single error.
  retryErrors(ids, record) {
    const body = { ids };
    if (record !== undefined) body.record = record;
    return this.post('/api/v1/errors/retry', body);
  }

  resolveErrors(ids) {
    return this.post('/api/v1/errors/resolve', { ids });
  }

  // 202 with the queued run-flow command.
  runFlow(flowId) {
    return this.post(`/api/v1/flows/${encodeURIComponent(flowId)}/run`, {});
  }
}
