/**
 * Small SVG charts for the benchmark pages (no chart library): line charts with several series
 * and grouped bar charts, axis ticks at round numbers, a legend, text a reader can select.
 */

export interface Series {
  name: string;
  points: Array<[number, number]>;
  /** Dashed line (a baseline). */
  dashed?: boolean;
}

export interface LineChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
  width?: number;
  height?: number;
  /** Horizontal reference line (e.g. a limit), with its label. */
  yLine?: { value: number; label: string };
  yMin?: number;
  /** Logarithmic y axis (values must be > 0), ticks at powers of ten. */
  yLog?: boolean;
  /** Values of x to label (default: round ticks). */
  xTicks?: number[];
}

export interface BarChartOptions {
  title: string;
  yLabel: string;
  /** One group per category (x axis), one bar per series inside it. */
  categories: string[];
  series: Array<{ name: string; values: Array<number | null> }>;
  width?: number;
  height?: number;
}

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#17becf'];
const FONT = 'font-family="system-ui, -apple-system, Segoe UI, sans-serif"';

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Round tick values covering [min, max]. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!(max > min)) max = min + 1;
  const raw = (max - min) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const ticks: number[] = [];
  for (let v = Math.floor(min / step) * step; v <= max + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  if (ticks[ticks.length - 1]! < max) ticks.push(Number((ticks[ticks.length - 1]! + step).toPrecision(12)));
  return ticks;
}

/** Powers of ten covering [min, max] (min > 0). */
export function logTicks(min: number, max: number): number[] {
  const lo = Math.floor(Math.log10(Math.max(min, 1e-9)));
  const hi = Math.max(lo + 1, Math.ceil(Math.log10(Math.max(max, 1e-9))));
  const ticks: number[] = [];
  for (let e = lo; e <= hi; e++) ticks.push(10 ** e);
  return ticks;
}

function fmt(v: number): string {
  if (Math.abs(v) >= 1000) return v.toLocaleString('en-US', { maximumFractionDigits: 0 });
  return String(Number(v.toPrecision(4)));
}

function frame(title: string, width: number, height: number, body: string): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ${FONT} font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="${width / 2}" y="20" text-anchor="middle" font-size="14" font-weight="600">${esc(title)}</text>`,
    body,
    '</svg>',
    '',
  ].join('\n');
}

export function lineChart(o: LineChartOptions): string {
  const width = o.width ?? 720;
  const height = o.height ?? 380;
  const m = { left: 70, right: 20, top: 36, bottom: 92 };
  const pw = width - m.left - m.right;
  const ph = height - m.top - m.bottom;
  const xs = o.series.flatMap((s) => s.points.map((p) => p[0]));
  const ys = o.series.flatMap((s) => s.points.map((p) => p[1])).concat(o.yLine ? [o.yLine.value] : []);
  const xTicks = o.xTicks ?? niceTicks(Math.min(...xs), Math.max(...xs));
  const yTicks = o.yLog ? logTicks(Math.min(...ys), Math.max(...ys)) : niceTicks(o.yMin ?? Math.min(0, ...ys), Math.max(...ys));
  const [x0, x1] = [Math.min(xTicks[0]!, ...xs), Math.max(xTicks[xTicks.length - 1]!, ...xs)];
  const scale = o.yLog ? (v: number) => Math.log10(Math.max(v, 1e-9)) : (v: number) => v;
  const [y0, y1] = [scale(yTicks[0]!), scale(yTicks[yTicks.length - 1]!)];
  const X = (v: number) => m.left + ((v - x0) / (x1 - x0 || 1)) * pw;
  const Y = (v: number) => m.top + ph - ((scale(v) - y0) / (y1 - y0 || 1)) * ph;
  const parts: string[] = [];
  for (const t of yTicks) {
    parts.push(`<line x1="${m.left}" x2="${m.left + pw}" y1="${Y(t).toFixed(1)}" y2="${Y(t).toFixed(1)}" stroke="#e5e5e5"/>`);
    parts.push(`<text x="${m.left - 6}" y="${(Y(t) + 4).toFixed(1)}" text-anchor="end">${fmt(t)}</text>`);
  }
  for (const t of xTicks) parts.push(`<text x="${X(t).toFixed(1)}" y="${m.top + ph + 16}" text-anchor="middle">${fmt(t)}</text>`);
  parts.push(`<line x1="${m.left}" x2="${m.left + pw}" y1="${m.top + ph}" y2="${m.top + ph}" stroke="#333"/>`);
  parts.push(`<line x1="${m.left}" x2="${m.left}" y1="${m.top}" y2="${m.top + ph}" stroke="#333"/>`);
  parts.push(`<text x="${m.left + pw / 2}" y="${m.top + ph + 34}" text-anchor="middle">${esc(o.xLabel)}</text>`);
  parts.push(`<text transform="translate(16 ${m.top + ph / 2}) rotate(-90)" text-anchor="middle">${esc(o.yLabel)}</text>`);
  if (o.yLine) {
    parts.push(`<line x1="${m.left}" x2="${m.left + pw}" y1="${Y(o.yLine.value)}" y2="${Y(o.yLine.value)}" stroke="#999" stroke-dasharray="2 3"/>`);
    parts.push(`<text x="${m.left + pw - 4}" y="${Y(o.yLine.value) - 4}" text-anchor="end" fill="#666">${esc(o.yLine.label)}</text>`);
  }
  o.series.forEach((s, i) => {
    const c = COLORS[i % COLORS.length];
    const pts = s.points.map(([x, y]) => `${X(x).toFixed(1)},${Y(y).toFixed(1)}`).join(' ');
    parts.push(`<polyline points="${pts}" fill="none" stroke="${c}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`);
    for (const [x, y] of s.points) parts.push(`<circle cx="${X(x).toFixed(1)}" cy="${Y(y).toFixed(1)}" r="3" fill="${c}"><title>${esc(s.name)}: ${fmt(x)}, ${fmt(y)}</title></circle>`);
  });
  parts.push(legend(o.series.map((s) => ({ name: s.name, dashed: s.dashed })), m.left, height - 18, pw));
  return frame(o.title, width, height, parts.join('\n'));
}

export function barChart(o: BarChartOptions): string {
  const width = o.width ?? 720;
  const height = o.height ?? 360;
  const m = { left: 70, right: 20, top: 36, bottom: 82 };
  const pw = width - m.left - m.right;
  const ph = height - m.top - m.bottom;
  const values = o.series.flatMap((s) => s.values.filter((v): v is number => v !== null));
  const yTicks = niceTicks(0, Math.max(...values, 1));
  const y1 = yTicks[yTicks.length - 1]!;
  const Y = (v: number) => m.top + ph - (v / y1) * ph;
  const group = pw / o.categories.length;
  const bar = (group * 0.8) / o.series.length;
  const parts: string[] = [];
  for (const t of yTicks) {
    parts.push(`<line x1="${m.left}" x2="${m.left + pw}" y1="${Y(t).toFixed(1)}" y2="${Y(t).toFixed(1)}" stroke="#e5e5e5"/>`);
    parts.push(`<text x="${m.left - 6}" y="${(Y(t) + 4).toFixed(1)}" text-anchor="end">${fmt(t)}</text>`);
  }
  o.categories.forEach((cat, g) => {
    const gx = m.left + g * group + group * 0.1;
    parts.push(`<text x="${m.left + g * group + group / 2}" y="${m.top + ph + 16}" text-anchor="middle">${esc(cat)}</text>`);
    o.series.forEach((s, i) => {
      const v = s.values[g];
      if (v === null || v === undefined) return;
      const x = gx + i * bar;
      parts.push(`<rect x="${x.toFixed(1)}" y="${Y(v).toFixed(1)}" width="${(bar - 2).toFixed(1)}" height="${(m.top + ph - Y(v)).toFixed(1)}" fill="${COLORS[i % COLORS.length]}"><title>${esc(s.name)}, ${esc(cat)}: ${fmt(v)}</title></rect>`);
      parts.push(`<text x="${(x + bar / 2 - 1).toFixed(1)}" y="${(Y(v) - 3).toFixed(1)}" text-anchor="middle" font-size="10">${fmt(v)}</text>`);
    });
  });
  parts.push(`<line x1="${m.left}" x2="${m.left + pw}" y1="${m.top + ph}" y2="${m.top + ph}" stroke="#333"/>`);
  parts.push(`<text transform="translate(16 ${m.top + ph / 2}) rotate(-90)" text-anchor="middle">${esc(o.yLabel)}</text>`);
  parts.push(legend(o.series.map((s) => ({ name: s.name })), m.left, height - 16, pw, true));
  return frame(o.title, width, height, parts.join('\n'));
}

/** Legend entries laid out left to right, wrapping onto a new row (rows grow upwards from `y`). */
function legend(items: Array<{ name: string; dashed?: boolean | undefined }>, x: number, y: number, width: number, boxes = false): string {
  const rows: Array<Array<{ it: (typeof items)[number]; i: number; lx: number }>> = [[]];
  let lx = x;
  items.forEach((it, i) => {
    const w = (boxes ? 18 : 26) + it.name.length * 6.6 + 16;
    if (lx + w > x + width && rows[rows.length - 1]!.length > 0) {
      rows.push([]);
      lx = x;
    }
    rows[rows.length - 1]!.push({ it, i, lx });
    lx += w;
  });
  const out: string[] = [];
  rows.forEach((row, r) => {
    const ry = y - (rows.length - 1 - r) * 16;
    for (const { it, i, lx: ix } of row) {
      const c = COLORS[i % COLORS.length];
      out.push(
        boxes
          ? `<rect x="${ix}" y="${ry - 9}" width="14" height="10" fill="${c}"/>`
          : `<line x1="${ix}" x2="${ix + 22}" y1="${ry - 4}" y2="${ry - 4}" stroke="${c}" stroke-width="2"${it.dashed ? ' stroke-dasharray="6 4"' : ''}/>`,
      );
      out.push(`<text x="${ix + (boxes ? 18 : 26)}" y="${ry}">${esc(it.name)}</text>`);
    }
  });
  return out.join('\n');
}
