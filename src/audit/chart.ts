/**
 * Calls per hour by outcome, as a small inline SVG (stacked bars, a legend, the peak on the
 * axis): drawn on the server, so the page needs no script and loads nothing.
 */
import { escapeHtml } from '../auth/consent/page.js';
import { CALL_OUTCOMES, type CallOutcome } from './outcomes.js';
import type { HourCount } from './store.js';

const HOUR_MS = 3_600_000;
/** At most two weeks of hours; a longer range shows its last two weeks. */
export const MAX_HOURS = 14 * 24;

/** Colours that read on both the light and the dark background. */
const COLOURS: Record<CallOutcome, string> = {
  ok: '#2e8540',
  tool_error: '#c0392b',
  refused: '#d68910',
  asked: '#2874a6',
  declined: '#7d3c98',
  cancelled: '#7f8c8d',
  task_created: '#17a589',
};

const WIDTH = 1000;
const HEIGHT = 150;
const PAD_LEFT = 36;
const PAD_BOTTOM = 18;
const LEGEND = 18;

function hourLabel(ms: number): string {
  return `${new Date(ms).toISOString().slice(5, 13).replace('T', ' ')}h`;
}

/** The hours [from, to) as bar slots, the last MAX_HOURS of them. */
export function chartHours(from: number, to: number): { first: number; count: number } {
  const last = Math.floor((to - 1) / HOUR_MS) * HOUR_MS;
  let first = Math.floor(from / HOUR_MS) * HOUR_MS;
  first = Math.max(first, last - (MAX_HOURS - 1) * HOUR_MS);
  return { first, count: Math.max(1, (last - first) / HOUR_MS + 1) };
}

export function renderChart(counts: readonly HourCount[], from: number, to: number): string {
  const { first, count } = chartHours(from, to);
  const slots = Array.from({ length: count }, () => new Map<CallOutcome, number>());
  for (const c of counts) {
    const i = Math.round((c.hour - first) / HOUR_MS);
    const slot = slots[i];
    if (slot) slot.set(c.outcome, (slot.get(c.outcome) ?? 0) + c.count);
  }
  const totals = slots.map((s) => [...s.values()].reduce((a, b) => a + b, 0));
  const peak = Math.max(1, ...totals);
  const plotW = WIDTH - PAD_LEFT;
  const plotH = HEIGHT - PAD_BOTTOM - LEGEND;
  const barW = plotW / count;
  const bars: string[] = [];
  slots.forEach((slot, i) => {
    let y = LEGEND + plotH;
    const x = PAD_LEFT + i * barW;
    for (const outcome of CALL_OUTCOMES) {
      const n = slot.get(outcome);
      if (!n) continue;
      const h = (n / peak) * plotH;
      y -= h;
      bars.push(
        `<rect x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${Math.max(1, barW - 1).toFixed(1)}" height="${h.toFixed(1)}" fill="${COLOURS[outcome]}"><title>${escapeHtml(`${hourLabel(first + i * HOUR_MS)} UTC: ${n} ${outcome}`)}</title></rect>`,
      );
    }
  });
  const legend = CALL_OUTCOMES.map((o, i) => {
    const x = PAD_LEFT + i * 120;
    return `<rect x="${x}" y="2" width="10" height="10" fill="${COLOURS[o]}"/><text x="${x + 14}" y="11">${o}</text>`;
  }).join('');
  const total = totals.reduce((a, b) => a + b, 0);
  const label = `Calls per hour by outcome, ${hourLabel(first)} to ${hourLabel(first + (count - 1) * HOUR_MS)} UTC: ${total} in all, at most ${peak} in an hour`;
  return `<svg class="chart" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${escapeHtml(label)}" xmlns="http://www.w3.org/2000/svg" font-size="10" fill="currentColor">
${legend}
<text x="${PAD_LEFT - 4}" y="${LEGEND + 8}" text-anchor="end">${peak}</text>
<text x="${PAD_LEFT - 4}" y="${LEGEND + plotH}" text-anchor="end">0</text>
<line x1="${PAD_LEFT}" y1="${LEGEND + plotH + 0.5}" x2="${WIDTH}" y2="${LEGEND + plotH + 0.5}" stroke="currentColor" stroke-opacity="0.4"/>
${bars.join('\n')}
<text x="${PAD_LEFT}" y="${HEIGHT - 4}">${escapeHtml(hourLabel(first))}</text>
<text x="${WIDTH}" y="${HEIGHT - 4}" text-anchor="end">${escapeHtml(hourLabel(first + (count - 1) * HOUR_MS))}</text>
</svg>`;
}
