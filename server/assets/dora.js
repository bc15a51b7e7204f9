// The DORA page's chart: deployments per day, successes and failed changes,
// drawn with uPlot (served locally) from the day table the page already has,
// so that the page says the same with or without JavaScript.
/* global uPlot */
'use strict';

function drawDaily() {
  const table = document.getElementById('daily');
  const target = document.getElementById('daily-chart');
  if (!table || !target || typeof uPlot !== 'function') return;
  const days = [];
  const success = [];
  const failed = [];
  for (const row of table.tBodies[0].rows) {
    days.push(Date.parse(`${row.cells[0].textContent.trim()}T00:00:00Z`) / 1000);
    success.push(Number(row.cells[1].textContent));
    failed.push(Number(row.cells[2].textContent));
  }
  const css = getComputedStyle(document.documentElement);
  const colour = (name, fallback) => css.getPropertyValue(name).trim() || fallback;
  const ok = colour('--ok', '#1a7f37');
  const bad = colour('--warn', '#a40e26');
  const muted = colour('--muted', '#57606a');
  const line = colour('--line', '#d0d7de');
  const axis = { stroke: muted, grid: { stroke: line, width: 1 }, ticks: { stroke: line } };
  const bars = (align) => uPlot.paths.bars({ size: [0.45, 40], align });
  const options = {
    width: target.clientWidth,
    height: 220,
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'),
    scales: { x: { time: true }, y: { range: (u, min, max) => [0, Math.max(1, max)] } },
    axes: [
      axis,
      { ...axis, values: (u, ticks) => ticks.map((t) => (Number.isInteger(t) ? t : '')) },
    ],
    series: [
      {},
      { label: 'Successes', stroke: ok, fill: ok, paths: bars(-1), points: { show: false } },
      { label: 'Failed changes', stroke: bad, fill: bad, paths: bars(1), points: { show: false } },
    ],
  };
  target.removeAttribute('aria-hidden');
  target.setAttribute('role', 'img');
  target.setAttribute('aria-label', 'Deployments per day; the table below has the figures');
  const chart = new uPlot(options, [days, success, failed], target);
  new ResizeObserver(() => chart.setSize({ width: target.clientWidth, height: 220 })).observe(
    target,
  );
}

drawDaily();
