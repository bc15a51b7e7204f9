// SVT pages, enhanced: local times, filter as you type, sortable columns,
// selectors that navigate on change. Everything works without this file.
'use strict';

const rtf = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto', style: 'short' });
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

function age(ms) {
  const delta = ms - Date.now();
  for (const [unit, size] of UNITS) {
    if (Math.abs(delta) >= size || unit === 'second')
      return rtf.format(Math.round(delta / size), unit);
  }
  return '';
}

/** Reader's locale and zone; the exact time on hover; ISO stays in datetime. */
function renderTimes() {
  for (const el of document.querySelectorAll('time[datetime]')) {
    const ms = Date.parse(el.getAttribute('datetime'));
    if (Number.isNaN(ms)) continue;
    el.title = full.format(ms);
    el.textContent = el.dataset.style === 'age' ? age(ms) : full.format(ms);
  }
}

/** Each query word must appear in order in the text, letters may be skipped: `pay svc` finds `payment-service`. */
function fuzzy(query) {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  return (text) => {
    const hay = text.toLowerCase();
    let from = 0;
    for (const word of words) {
      const at = hay.indexOf(word[0], from);
      if (at < 0) return false;
      let i = at;
      for (const ch of word) {
        i = hay.indexOf(ch, i);
        if (i < 0) return false;
        i += 1;
      }
      from = i;
    }
    return true;
  };
}

function setUpFilters() {
  for (const input of document.querySelectorAll('input[data-filter]')) {
    const id = input.dataset.filter;
    const table = document.getElementById(id);
    const count = document.querySelector(`[data-count="${id}"]`);
    if (!table) continue;
    const rows = [...table.tBodies[0].rows];
    const apply = () => {
      const matches = fuzzy(input.value);
      let shown = 0;
      for (const row of rows) {
        const hit = matches(row.dataset.search ?? row.textContent);
        row.hidden = !hit;
        if (hit) shown += 1;
      }
      if (count) count.textContent = String(shown);
    };
    input.addEventListener('input', apply);
    if (input.value) apply();
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
    for (const select of form.querySelectorAll('select')) {
      select.addEventListener('change', () => form.requestSubmit());
    }
  }
}

renderTimes();
setUpFilters();
setUpSorting();
setUpSelectors();
setInterval(renderTimes, 60_000);
