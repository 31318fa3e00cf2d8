// Record errors: one <tbody> per error (its row plus a details row with the failed record),
// with Retry and Resolve per error or for a selection. Retry and resolve go to the API's
// /errors/retry and /errors/resolve, which queue a command for each error's agent.

import { ApiError } from './api.js';
import { badge, fill, h, setHidden, syncKeyed, timeAgo } from './dom.js';

function describeCommands(answer, verb) {
  const commands = answer?.commands || [];
  const changed = answer?.changed ?? 0;
  const list = commands.map((c) => `${c.type} ${c.id} for ${c.agent}`).join('; ');
  return `${verb} ${changed} error${changed === 1 ? '' : 's'}` + (list ? `: queued ${list}.` : '.');
}

export class ErrorsView {
  // actions: {api, notify(text), showError(error), refresh()}
  constructor(table, actions) {
    this.table = table;
    this.actions = actions;
    this.selected = new Set();
    this.shown = [];
    this.records = new Map();  // error id → the error with its record, fetched on demand
    this.selectAll = document.getElementById('errors-select-all');
    this.retrySelected = document.getElementById('retry-selected');
    this.resolveSelected = document.getElementById('resolve-selected');
    this.selectAll.addEventListener('change', () => {
      for (const e of this.shown) {
        if (this.selectAll.checked) this.selected.add(e.id);
        else this.selected.delete(e.id);
      }
      this.syncSelection();
    });
    this.retrySelected.addEventListener('click', () => this.retry(Array.from(this.selected), undefined, this.retrySelected));
    this.resolveSelected.addEventListener('click', () => this.resolve(Array.from(this.selected), this.resolveSelected));
  }

  render(errors, nowMs) {
    this.shown = errors;
    const ids = new Set(errors.map((e) => e.id));
    for (const id of Array.from(this.selected)) {
      if (!ids.has(id)) this.selected.delete(id);
    }
    syncKeyed(this.table, errors, (e) => e.id, (e) => this.createGroup(e), (group, e) => this.updateGroup(group, e, nowMs));
    setHidden(document.getElementById('errors-empty'), errors.length > 0);
    this.syncSelection();
  }

  createGroup(e) {
    const detailId = `error-detail-${e.id}`;
    const check = h('input', { type: 'checkbox', 'aria-label': `Select error ${e.id}` });
    check.addEventListener('change', () => {
      if (check.checked) this.selected.add(e.id);
      else this.selected.delete(e.id);
      this.syncSelection();
    });
    const toggle = h('button', {
      type: 'button', class: 'small quiet', text: 'Record', 'aria-expanded': 'false', 'aria-controls': detailId,
      'aria-label': `Show the record of error ${e.id}`,
    });
    const retry = h('button', { type: 'button', class: 'small', text: 'Retry', 'aria-label': `Retry error ${e.id}` });
    const resolve = h('button', {
      type: 'button', class: 'small secondary', text: 'Resolve', 'aria-label': `Resolve error ${e.id}`,
    });
    retry.addEventListener('click', () => this.retry([e.id], undefined, retry));
    resolve.addEventListener('click', () => this.resolve([e.id], resolve));
    const detail = h('tr', { class: 'error-detail', id: detailId, hidden: true },
      h('td', { colspan: 8 }, h('div', { class: 'detail-body' }, h('p', { class: 'muted', text: 'Loading the record…' }))));
    toggle.addEventListener('click', () => this.toggleDetail(e.id, toggle, detail));
    const row = h('tr', { class: 'error-row' },
      h('td', {}, check), h('td'), h('td'), h('td'), h('td'), h('td', { class: 'message' }), h('td'),
      h('td', { class: 'actions' }, toggle, retry, resolve));
    return h('tbody', { class: 'error-group' }, row, detail);
  }

  updateGroup(group, e, nowMs) {
    const row = group.rows[0];
    const c = row.cells;
    c[0].querySelector('input').checked = this.selected.has(e.id);
    fill(c[1], timeAgo(e.createdAt, nowMs));
    fill(c[2], e.flow);
    fill(c[3], e.agent);
    fill(c[4], e.step);
    fill(c[5], e.message);
    fill(c[6], badge(e.state), e.resolution ? h('div', { class: 'cell-note', text: e.resolution }) : null);
    const [, retry, resolve] = c[7].querySelectorAll('button');
    const resolved = e.state === 'resolved';
    if (retry.dataset.busy !== 'true') retry.disabled = resolved;
    if (resolve.dataset.busy !== 'true') resolve.disabled = resolved;
  }

  syncSelection() {
    const none = this.selected.size === 0;
    this.retrySelected.disabled = none;
    this.resolveSelected.disabled = none;
    this.retrySelected.textContent = none ? 'Retry selected' : `Retry selected (${this.selected.size})`;
    this.resolveSelected.textContent = none ? 'Resolve selected' : `Resolve selected (${this.selected.size})`;
    const all = this.shown.length > 0 && this.shown.every((e) => this.selected.has(e.id));
    this.selectAll.checked = all;
    this.selectAll.indeterminate = !all && !none;
  }

  async toggleDetail(id, toggle, detail) {
    const open = toggle.getAttribute('aria-expanded') !== 'true';
    toggle.setAttribute('aria-expanded', String(open));
    toggle.setAttribute('aria-label', `${open ? 'Hide' : 'Show'} the record of error ${id}`);
    detail.hidden = !open;
    if (!open || this.records.has(id)) return;
    try {
      const full = await this.actions.api.error(id);
      this.records.set(id, full);
      this.fillDetail(detail, full);
    } catch (err) {
      detail.querySelector('.detail-body').replaceChildren(
        h('p', { class: 'error-text', text: err instanceof ApiError ? err.headline() : String(err) }));
    }
  }

  fillDetail(detail, full) {
    const text = JSON.stringify(full.record, null, 2);
    const editId = `error-edit-${full.id}`;
    const editNote = `error-edit-note-${full.id}`;
    const editor = h('textarea', { id: editId, rows: 6, spellcheck: 'false', 'aria-describedby': editNote });
    editor.value = text ?? '';
    const problem = h('p', { class: 'error-text', role: 'alert' });
    const retryEdited = h('button', { type: 'button', class: 'small', text: 'Retry with this record' });
    retryEdited.addEventListener('click', () => {
      let record;
      try {
        record = JSON.parse(editor.value);
      } catch (err) {
        problem.textContent = `The edited record is not valid JSON: ${err.message}`;
        return;
      }
      if (!record || typeof record !== 'object' || Array.isArray(record)) {
        problem.textContent = 'The edited record must be a JSON object.';
        return;
      }
      problem.textContent = '';
      this.retry([full.id], record, retryEdited);
    });
    detail.querySelector('.detail-body').replaceChildren(
      h('dl', { class: 'meta' },
        h('dt', { text: 'Error' }), h('dd', {}, h('code', { text: full.id })),
        h('dt', { text: 'Run' }), h('dd', {}, h('code', { text: full.run })),
        h('dt', { text: 'Step' }), h('dd', { text: full.step })),
      h('h4', { text: 'Failed record' }),
      h('pre', { class: 'record', text: text ?? 'null' }),
      h('label', { for: editId, text: 'Edit the record before retrying (optional)' }),
      h('p', { id: editNote, class: 'muted', text: 'The agent runs the flow\'s steps again on the edited record instead of the stored one.' }),
      editor, retryEdited, problem);
  }

  async retry(ids, record, button) {
    if (ids.length === 0) return;
    await this.act(button, async () => {
      const answer = await this.actions.api.retryErrors(ids, record);
      for (const id of ids) this.selected.delete(id);
      this.actions.notify(describeCommands(answer, 'Retrying'));
    });
  }

  async resolve(ids, button) {
    if (ids.length === 0) return;
    await this.act(button, async () => {
      const answer = await this.actions.api.resolveErrors(ids);
      for (const id of ids) this.selected.delete(id);
      this.actions.notify(describeCommands(answer, 'Resolved'));
    });
  }

  async act(button, work) {
    button.disabled = true;
    button.dataset.busy = 'true';
    try {
      await work();
    } catch (err) {
      this.actions.showError(err);
    } finally {
      button.dataset.busy = 'false';
      button.disabled = false;
      this.syncSelection();
    }
    await this.actions.refresh();
  }
}
