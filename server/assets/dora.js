// The DORA page's charts: deployments per day (successes and failed
// changes) and the median lead time per day, drawn with uPlot (served
// locally) from the day table the page already has, so that the page says
// the same with or without JavaScript. The page leaves a chart's box out
// when it would be empty, and says so instead.
/* global uPlot */
'use strict';

const HEIGHT = 200;

/**
 * The day table's columns: UTC days (epoch seconds), successes, failed,
 * lead time (hours). A day without any is null, not 0: uPlot draws
 * nothing for null, where a bar of 0 would still draw its outline.
 */
function readDays(table) {
  const days = { at: [], success: [], failed: [], leadHours: [] };
  const count = (cell) => Number(cell.textContent) || null;
  for (const row of table.tBodies[0].rows) {
    days.at.push(Date.parse(`${row.cells[0].textContent.trim()}T00:00:00Z`) / 1000);
    days.success.push(count(row.cells[1]));
    days.failed.push(count(row.cells[2]));
    const seconds = row.cells[3].dataset.seconds;
    days.leadHours.push(seconds ? Number(seconds) / 3600 : null);
  }
  return days;
}

/** Hours as the page writes durations (dora-page.ts): 45 s, 30 min, 3 h 5 min, 2 d 4 h. */
function duration(hours) {
  const seconds = hours * 3600;
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const h = Math.floor(minutes / 60);
  if (h < 48) return minutes % 60 === 0 ? `${h} h` : `${h} h ${minutes % 60} min`;
  const d = Math.floor(h / 24);
  return h % 24 === 0 ? `${d} d` : `${d} d ${h % 24} h`;
}

const DAY = 86400;
/** Tick steps of the day axis, in days: a tick is a day, never an hour of one. */
const DAY_TICKS = [1, 2, 3, 4, 5, 7, 10, 15, 30, 60, 90, 180, 365].map((n) => n * DAY);

/**
 * Tick steps of an axis of counts: whole numbers only (1, 2, 5, 10, 20, ...).
 * uPlot's default steps include 0.5 and 0.2, which drew gridlines between
 * 0 and 1 for a count of one: deployments come whole.
 */
const COUNT_TICKS = [0, 1, 2, 3, 4, 5, 6].flatMap((e) => [1, 2, 5].map((m) => m * 10 ** e));

const day = (seconds) => new Date(seconds * 1000).toISOString().slice(0, 10);

/** An axis as wide as its longest label (uPlot's default is fixed, and cuts `45 min` to `5 min`). */
function labelWidth(u, values, axisIdx, cycle) {
  const axis = u.axes[axisIdx];
  if (cycle > 1) return axis._size;
  const longest = (values ?? []).reduce(
    (a, v) => (String(v).length > a.length ? String(v) : a),
    '',
  );
  u.ctx.font = axis.font[0];
  return Math.ceil(
    axis.ticks.size + axis.gap + u.ctx.measureText(longest).width / devicePixelRatio,
  );
}
const sum = (values) => values.reduce((a, v) => a + (v ?? 0), 0);

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

/**
 * A uPlot chart in `target`, sized to it, described for screen readers by
 * `label`. The legend shows each series' `whole` (the window's figure)
 * until a day is pointed at, then that day's values. `y`: the label of a
 * tick of the y-axis (`values`), and its tick steps (`incrs`, uPlot's
 * default when absent).
 */
function chart(target, label, series, data, y) {
  const c = colours();
  const axis = { stroke: c.muted, grid: { stroke: c.line, width: 1 }, ticks: { stroke: c.line } };
  const days = data[0];
  const options = {
    width: target.clientWidth,
    height: HEIGHT,
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
    scales: {
      // Half a day either side: the bars around the first and last days' ticks stay in view.
      x: { time: true, range: (u, min, max) => [min - DAY / 2, max + DAY / 2] },
      y: { range: (u, min, max) => [0, Math.max(1, max ?? 1)] },
    },
    axes: [
      { ...axis, incrs: DAY_TICKS },
      {
        ...axis,
        values: (u, ticks) => ticks.map(y.values),
        size: labelWidth,
        ...(y.incrs ? { incrs: y.incrs } : {}),
      },
    ],
    series: [
      {
        label: 'Day (UTC)',
        value: (u, v, s, idx) =>
          idx == null ? `${day(days[0])} to ${day(days[days.length - 1])}` : day(v),
      },
      ...series.map(({ whole, each, ...s }) => ({
        ...s,
        value: (u, v, i, idx) => (idx == null ? whole : each(v)),
      })),
    ],
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
        {
          label: 'Successes',
          whole: `${sum(days.success)} in all`,
          each: (v) => String(v ?? 0),
          ...bars(-1, c.ok),
        },
        {
          label: 'Failed changes',
          whole: `${sum(days.failed)} in all`,
          each: (v) => String(v ?? 0),
          ...bars(1, c.bad),
        },
      ],
      [days.at, days.success, days.failed],
      { values: String, incrs: COUNT_TICKS },
    );
  }
  const lead = document.getElementById('lead-chart');
  if (lead) {
    const median = lead.dataset.medianSeconds ? Number(lead.dataset.medianSeconds) : NaN;
    chart(
      lead,
      'Median lead time for changes per day',
      [
        {
          label: 'Lead time',
          whole: Number.isFinite(median) ? `${duration(median / 3600)} (window median)` : '–',
          each: (v) => (v == null ? 'none' : duration(v)),
          stroke: c.link,
          width: 2,
          spanGaps: true,
          points: { size: 5 },
        },
      ],
      [days.at, days.leadHours],
      { values: (t) => (t === 0 ? '0' : duration(t)) },
    );
  }
}

draw();
