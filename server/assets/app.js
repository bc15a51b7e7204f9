// SVT pages, enhanced: local times, filter as you type, sortable columns,
// selectors that navigate on change. Everything works without this file.
'use strict';

const rtf = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto', style: 'short' });
const narrow = new Intl.RelativeTimeFormat(undefined, { style: 'narrow' });
const full = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
const UNITS = [
  ['year', 365 * 24 * 3600e3],
  ['month', 30 * 24 * 3600e3],
  ['week', 7 * 24 * 3600e3],
  ['day', 24 * 3600e3],
  ['hour', 3600e3],
  ['minute', 60e3],
  ['second', 1e3],
];

function age(ms, format = rtf) {
  const delta = ms - Date.now();
  for (const [unit, size] of UNITS) {
    if (Math.abs(delta) >= size || unit === 'second')
      return format.format(Math.round(delta / size), unit);
  }
  return '';
}

/** One `<time>` in the reader's locale and zone, its exact time on hover; ISO stays in datetime. */
function renderTime(el) {
  const ms = Date.parse(el.getAttribute('datetime'));
  if (Number.isNaN(ms)) return;
  el.title = full.format(ms);
  const style = el.dataset.style;
  el.textContent =
    style === 'age' ? age(ms) : style === 'narrow' ? age(ms, narrow) : full.format(ms);
}

function renderTimes() {
  for (const el of document.querySelectorAll('time[datetime]')) renderTime(el);
}

/**
 * The ages of a big table's cells (`table[data-ages]`, the overview), written
 * as its rows come into view: each cell's title holds the instant of its
 * deployment (ISO 8601), and a row shown gets a `<time>` per cell. Writing
 * 20,000 of them at once cost more than the whole table's first layout.
 */
function setUpAges() {
  for (const table of document.querySelectorAll('table[data-ages]')) {
    const write = (row) => {
      for (const td of row.cells) {
        if (td.tagName !== 'TD' || !td.title) continue;
        const ms = Date.parse(td.title);
        if (Number.isNaN(ms)) continue;
        const el = document.createElement('time');
        el.dateTime = new Date(ms).toISOString();
        el.dataset.style = 'narrow';
        renderTime(el);
        td.title = el.title;
        td.insertBefore(el, td.firstChild.nextSibling);
      }
    };
    const observer = new IntersectionObserver(
      (entries) => {
        for (const entry of entries) {
          if (!entry.isIntersecting) continue;
          observer.unobserve(entry.target);
          write(entry.target);
        }
      },
      { root: table.closest('.matrix-scroll'), rootMargin: '400px 200px' },
    );
    for (const row of table.tBodies[0].rows) observer.observe(row);
  }
}

/** Later rows shown per task, one task a frame, right after the page's first frame. */
const LATER_ROWS_PER_TASK = 200;

/**
 * The overview's rows after its first ones (class `later`: overview.ts
 * FIRST_ROWS), which the page's load does not lay out: shown a few hundred
 * a frame once the first frame is drawn, so that the whole table is there
 * (to scroll, find in the page, or read with a screen reader) about a
 * second later, while the page already answers.
 */
function setUpLaterRows() {
  for (const table of document.querySelectorAll('table.matrix')) {
    const later = [...table.querySelectorAll('tbody tr.later')];
    let next = 0;
    const step = () => {
      const end = Math.min(later.length, next + LATER_ROWS_PER_TASK);
      for (; next < end; next++) later[next].classList.remove('later');
      if (next < later.length) requestAnimationFrame(() => setTimeout(step, 0));
    };
    if (later.length > 0) requestAnimationFrame(() => setTimeout(step, 0));
  }
}

/**
 * GET forms submit a tidy address: empty fields left out (the server takes
 * them as absent), a parameter given by several checkboxes as one
 * comma-separated list (`stage=staging,prod`), as the pages write links.
 */
function setUpForms() {
  for (const form of document.querySelectorAll('form[method="get"]')) {
    form.addEventListener('submit', (event) => {
      const params = new URLSearchParams();
      for (const [name, value] of new FormData(form)) {
        if (typeof value !== 'string' || value.trim() === '') continue;
        const before = params.get(name);
        params.set(name, before === null ? value.trim() : `${before},${value.trim()}`);
      }
      event.preventDefault();
      const query = params.toString().replace(/%2C/g, ',');
      location.assign(
        new URL(form.getAttribute('action') || location.pathname, location.href).pathname +
          (query ? `?${query}` : ''),
      );
    });
  }
}

/**
 * Each query word must appear in order in the name, letters may be skipped:
 * `pay svc` finds `payment-service`. The server filters `?q=` with the same
 * rule (server/src/pages/fuzzy.ts), so a shared link shows what typing showed.
 */
function fuzzy(query) {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  return (name) => {
    const hay = name.toLowerCase();
    let from = 0;
    for (const word of words) {
      for (const ch of word) {
        const at = hay.indexOf(ch, from);
        if (at < 0) return false;
        from = at + 1;
      }
    }
    return true;
  };
}

/** This page's address with `name` set to `value` (removed when empty). */
function withParam(name, value) {
  const url = new URL(location.href);
  if (value === '') url.searchParams.delete(name);
  else url.searchParams.set(name, value);
  return url.pathname + url.search.replace(/%2C/g, ',') + url.hash;
}

/** Rows changed in a keystroke's own task: at least enough to fill a tall window with the right ones. */
const FIRST_ROWS = 50;
/** How long typing pauses before the address follows the filter (ms). */
const ADDRESS_DELAY_MS = 300;
/** Rows changed per later task, until the whole table agrees with the filter. */
const ROWS_PER_TASK = 100;

/**
 * Filter as you type. Each row's name is read once into an index, and a
 * keystroke only flips `hidden` on the rows whose verdict changed: no
 * per-keystroke reading of thousands of cells. The rows up to the
 * FIRST_ROWS-th one shown change at once, what is below the window in later
 * tasks of ROWS_PER_TASK rows, so that a keystroke that brings back a
 * thousand rows lays out a window's worth before its frame, not all of them
 * (about 0.6 s at 1,000 x 20); a new keystroke cancels what is left. The
 * address keeps `?q=` in step once typing pauses, so it is a link to what is shown. A
 * page the server filtered already (`data-server-q`) holds only its
 * matches: a query that extends it narrows them in place; any other needs
 * the server (Enter, which the hint says).
 */
function setUpFilters() {
  for (const input of document.querySelectorAll('input[data-filter]')) {
    const id = input.dataset.filter;
    const table = document.getElementById(id);
    const count = document.querySelector(`[data-count="${id}"]`);
    const hint = document.querySelector(`[data-hint="${id}"]`);
    if (!table) continue;
    const rows = [...table.tBodies[0].rows];
    const names = rows.map((row) => (row.dataset.search ?? row.cells[0]?.textContent ?? '').trim());
    const shown = rows.map((row) => !row.hidden);
    const wanted = [...shown];
    const serverQuery = (input.dataset.serverQ ?? '').toLowerCase();
    // Rows before `next` agree with the filter; a keystroke starts a new generation.
    let next = 0;
    let generation = 0;
    let addressLater;
    const change = (i) => {
      if (wanted[i] !== shown[i]) {
        rows[i].hidden = !wanted[i];
        shown[i] = wanted[i];
      }
      // A row setUpLaterRows has not shown yet, shown now that the filter wants it.
      if (wanted[i] && rows[i].classList.contains('later')) rows[i].classList.remove('later');
    };
    const rest = (gen) => {
      if (gen !== generation) return;
      const end = Math.min(rows.length, next + ROWS_PER_TASK);
      while (next < end) change(next++);
      if (next < rows.length) setTimeout(() => rest(gen), 0);
    };
    const apply = () => {
      const value = input.value;
      const narrows = value.toLowerCase().startsWith(serverQuery);
      if (hint) hint.hidden = narrows;
      const matches = fuzzy(narrows ? value : serverQuery);
      let visible = 0;
      for (let i = 0; i < rows.length; i++) {
        wanted[i] = matches(names[i]);
        if (wanted[i]) visible += 1;
      }
      if (count) count.textContent = String(visible);
      generation += 1;
      next = 0;
      for (let seen = 0; next < rows.length && seen < FIRST_ROWS; next++) {
        change(next);
        if (wanted[next]) seen += 1;
      }
      // The rest once this keystroke's frame is drawn.
      const gen = generation;
      if (next < rows.length) requestAnimationFrame(() => setTimeout(() => rest(gen), 0));
      // The address once typing pauses: replaceState took 20 ms a call here.
      clearTimeout(addressLater);
      if (narrows && input.name) {
        addressLater = setTimeout(() => {
          history.replaceState(history.state, '', withParam(input.name, value.trim()));
        }, ADDRESS_DELAY_MS);
      }
    };
    input.addEventListener('input', apply);
    // A value the browser restored (back, reload) filters as typed.
    if (input.value !== (input.dataset.serverQ ?? '')) apply();
  }
}

// The server's order of names (server/src/names.ts): the same options.
const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

function setUpSorting() {
  for (const table of document.querySelectorAll('table.sortable')) {
    const headers = [...table.tHead.rows[0].cells];
    headers.forEach((th, column) => {
      const button = th.querySelector('button[data-sort]');
      if (!button) return;
      button.addEventListener('click', () => {
        const ascending = th.getAttribute('aria-sort') !== 'ascending';
        for (const other of headers)
          if (other.hasAttribute('aria-sort')) other.setAttribute('aria-sort', 'none');
        th.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
        const body = table.tBodies[0];
        const value = (row) =>
          row.cells[column]?.dataset.value ?? row.cells[column]?.textContent ?? '';
        const rows = [...body.rows].sort((a, b) => {
          const order = collator.compare(value(a), value(b));
          return ascending ? order : -order;
        });
        body.append(...rows);
      });
    });
  }
}

function setUpSelectors() {
  for (const form of document.querySelectorAll('form[data-autosubmit]')) {
    for (const control of form.querySelectorAll('select, input[type="checkbox"]')) {
      control.addEventListener('change', () => form.requestSubmit());
    }
  }
}

renderTimes();
setUpLaterRows();
setUpAges();
setUpFilters();
setUpForms();
setUpSorting();
setUpSelectors();
setInterval(renderTimes, 60_000);
