// The DORA page's charts: deployments per day (successes and failed
// changes) and the median lead time per day, drawn with uPlot (served
// locally) from the day table the page already has, so that the page says
// the same with or without JavaScript.
/* global uPlot */
'use strict';

const HEIGHT = 200;

/** The day table's columns: UTC days (epoch seconds), successes, failed, lead time (hours or null). */
function readDays(table) {
  const days = { at: [], success: [], failed: [], leadHours: [] };
  for (const row of table.tBodies[0].rows) {
    days.at.push(Date.parse(`${row.cells[0].textContent.trim()}T00:00:00Z`) / 1000);
    days.success.push(Number(row.cells[1].textContent));
    days.failed.push(Number(row.cells[2].textContent));
    const seconds = row.cells[3].dataset.seconds;
    days.leadHours.push(seconds ? Number(seconds) / 3600 : null);
  }
  return days;
}

function colours() {
  const css = getComputedStyle(document.documentElement);
  const colour = (name, fallback) => css.getPropertyValue(name).trim() || fallback;
  return {
    ok: colour('--ok', '#1a7f37'),
    bad: colour('--warn', '#a40e26'),
    link: colour('--link', '#0550ae'),
    muted: colour('--muted', '#57606a'),
    line: colour('--line', '#d0d7de'),
  };
}

/** A uPlot chart in `target`, sized to it, described for screen readers by `label`. */
function chart(target, label, series, data, yValues) {
  const c = colours();
  const axis = { stroke: c.muted, grid: { stroke: c.line, width: 1 }, ticks: { stroke: c.line } };
  const options = {
    width: target.clientWidth,
    height: HEIGHT,
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
    scales: { x: { time: true }, y: { range: (u, min, max) => [0, Math.max(1, max ?? 1)] } },
    axes: [axis, { ...axis, values: (u, ticks) => ticks.map(yValues) }],
    series: [{}, ...series],
  };
  target.removeAttribute('aria-hidden');
  target.setAttribute('role', 'img');
  target.setAttribute('aria-label', `${label}; the table below has the figures`);
  const plot = new uPlot(options, data, target);
  new ResizeObserver(() => plot.setSize({ width: target.clientWidth, height: HEIGHT })).observe(
    target,
  );
}

function draw() {
  const table = document.getElementById('daily');
  if (!table || typeof uPlot !== 'function') return;
  const days = readDays(table);
  const c = colours();
  const bars = (align, colour) => ({
    stroke: colour,
    fill: colour,
    paths: uPlot.paths.bars({ size: [0.45, 40], align }),
    points: { show: false },
  });
  const daily = document.getElementById('daily-chart');
  if (daily) {
    chart(
      daily,
      'Deployments per day',
      [
        { label: 'Successes', ...bars(-1, c.ok) },
        { label: 'Failed changes', ...bars(1, c.bad) },
      ],
      [days.at, days.success, days.failed],
      (t) => (Number.isInteger(t) ? t : ''),
    );
  }
  const lead = document.getElementById('lead-chart');
  if (lead) {
    chart(
      lead,
      'Median lead time for changes per day, in hours',
      [{ label: 'Lead time (h)', stroke: c.link, width: 2, spanGaps: true, points: { size: 5 } }],
      [days.at, days.leadHours],
      (t) => `${+t.toFixed(1)} h`,
    );
  }
}

draw();
