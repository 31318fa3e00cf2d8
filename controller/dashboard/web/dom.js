// Small DOM helpers: building elements without innerHTML (every value from the API goes in
// as text, never as markup), keyed updates that keep focus and open details across
// refreshes, and the formats the tables share.

const SVG_NS = 'http://www.w3.org/2000/svg';

function apply(node, attrs, children) {
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'text') node.textContent = String(value);
    else if (key.startsWith('on') && typeof value === 'function') node.addEventListener(key.slice(2), value);
    else if (key === 'dataset') Object.assign(node.dataset, value);
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

// h('td', {class: 'num'}, '42')
export function h(tag, attrs, ...children) {
  return apply(document.createElement(tag), attrs, children);
}

export function svg(tag, attrs, ...children) {
  return apply(document.createElementNS(SVG_NS, tag), attrs, children);
}

// Replaces the cell's content only when it would look different, so a refresh does not
// disturb a reader's selection or a screen reader's position for nothing.
export function fill(cell, ...children) {
  const fresh = document.createElement('div');
  apply(fresh, {}, children);
  if (cell.dataset.sig === fresh.innerHTML) return;
  cell.dataset.sig = fresh.innerHTML;
  cell.replaceChildren(...fresh.childNodes);
}

// Makes container's children match items in order: one element per key, created once by
// create(item) and brought up to date by update(element, item); elements whose key is
// gone are removed. Existing elements (and the focus inside them) survive a refresh.
export function syncKeyed(container, items, keyOf, create, update) {
  const existing = new Map();
  for (const child of Array.from(container.children)) {
    if (child.dataset.key !== undefined) existing.set(child.dataset.key, child);
  }
  const keep = new Set();
  let position = 0;
  const fixed = Array.from(container.children).filter((c) => c.dataset.key === undefined).length;
  for (const item of items) {
    const key = String(keyOf(item));
    keep.add(key);
    let element = existing.get(key);
    if (!element) {
      element = create(item);
      element.dataset.key = key;
    }
    update(element, item);
    const want = container.children[fixed + position] || null;
    if (want !== element) container.insertBefore(element, want);
    position += 1;
  }
  for (const [key, element] of existing) {
    if (!keep.has(key)) element.remove();
  }
}

const NUMBER = new Intl.NumberFormat('en');

export function formatNumber(n) {
  return n === null || n === undefined ? '—' : NUMBER.format(n);
}

export function formatDuration(seconds) {
  if (seconds === null || seconds === undefined) return '—';
  if (seconds < 1) return `${Math.round(seconds * 1000)} ms`;
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 1 : 0)} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
  return `${Math.floor(seconds / 3600)} h ${Math.round((seconds % 3600) / 60)} min`;
}

export function formatAge(seconds) {
  if (!seconds) return '—';
  return formatDuration(seconds);
}

// "just now", "42 s ago", "5 min ago", "3 h ago", "2 d ago".
export function formatRelative(iso, nowMs) {
  if (!iso) return 'never';
  const t = Date.parse(iso);
  if (!Number.isFinite(t)) return iso;
  const s = Math.round((nowMs - t) / 1000);
  if (s < 5) return 'just now';
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86400)} d ago`;
}

export function formatLocal(iso) {
  const t = Date.parse(iso);
  return Number.isFinite(t) ? new Date(t).toLocaleString() : '';
}

// <time datetime="…" title="local time">5 min ago</time>, or "never".
export function timeAgo(iso, nowMs) {
  if (!iso) return h('span', { class: 'muted', text: 'never' });
  return h('time', { datetime: iso, title: formatLocal(iso), text: formatRelative(iso, nowMs) });
}

// A state word as a badge whose colour follows the word (CSS: .badge.state-failed, …).
export function badge(word) {
  const safe = String(word || 'unknown').toLowerCase().replace(/[^a-z0-9-]/g, '');
  return h('span', { class: `badge state-${safe}`, text: word || 'unknown' });
}

export function setHidden(element, hidden) {
  if (element.hidden !== hidden) element.hidden = hidden;
}
