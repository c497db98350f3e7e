/**
 * Two small SVG chart kinds, written by hand so the report needs no chart service or library:
 * horizontal bars (throughput per scenario) and lines over categories (latency per data size).
 */

export interface Bar {
  label: string;
  value: number;
  /** Printed after the value, e.g. "0.91 × baseline". */
  note?: string;
  color: string;
}

export interface Series {
  name: string;
  values: number[];
  color: string;
}

export const palette = { baseline: '#6b7280', trpc: '#2563eb', rest: '#059669', extra: ['#d97706', '#dc2626', '#7c3aed'] };

const font = 'font-family="system-ui, -apple-system, Segoe UI, sans-serif"';

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A round axis maximum above `value` (1, 2 or 5 × a power of ten). */
function niceCeiling(value: number): number {
  if (value <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  return ([1, 2, 5, 10].find((step) => step * power >= value) ?? 10) * power;
}

/**
 * @example
 * horizontalBarChart('Throughput (req/s)', [{ label: 'raw', value: 1500, color: palette.baseline }]);
 */
export function horizontalBarChart(title: string, bars: Bar[]): string {
  const labelWidth = 270;
  const plotWidth = 420;
  const noteWidth = 170;
  const rowHeight = 26;
  const top = 40;
  const width = labelWidth + plotWidth + noteWidth;
  const height = top + bars.length * rowHeight + 30;
  const max = niceCeiling(Math.max(1, ...bars.map((bar) => bar.value)));
  const x = (value: number) => labelWidth + (value / max) * plotWidth;
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((fraction) => fraction * max);
  const parts = [
    ...chartFrame(width, height, width / 2, title),
    ...ticks.map(
      (tick) =>
        `<line x1="${x(tick)}" y1="${top - 4}" x2="${x(tick)}" y2="${top + bars.length * rowHeight}" stroke="#e5e7eb"/>` +
        `<text x="${x(tick)}" y="${top + bars.length * rowHeight + 16}" text-anchor="middle" fill="#6b7280">${Math.round(tick)}</text>`,
    ),
    ...bars.map((bar, index) => {
      const y = top + index * rowHeight;
      return (
        `<text x="${labelWidth - 8}" y="${y + 16}" text-anchor="end">${escapeXml(bar.label)}</text>` +
        `<rect x="${labelWidth}" y="${y + 4}" width="${Math.max(1, x(bar.value) - labelWidth)}" height="${rowHeight - 8}" fill="${bar.color}"/>` +
        `<text x="${x(bar.value) + 6}" y="${y + 16}">${Math.round(bar.value)}${bar.note ? ` · ${escapeXml(bar.note)}` : ''}</text>`
      );
    }),
    '</svg>',
  ];
  return parts.join('\n');
}

/** The opening of every chart: the SVG element, a white background and the title centred on `titleX`. */
function chartFrame(width: number, height: number, titleX: number, title: string): string[] {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ${font} font-size="12">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="${titleX}" y="22" text-anchor="middle" font-size="15" font-weight="600">${escapeXml(title)}</text>`,
  ];
}

/**
 * @example
 * lineChart('p50 latency (ms)', ['1k', '10k', '100k'], [{ name: 'articles.list', values: [4, 4.2, 4.5], color: palette.trpc }]);
 */
export function lineChart(title: string, categories: string[], series: Series[], yLabel: string): string {
  const left = 60;
  const plotWidth = 480;
  const plotHeight = 260;
  const top = 40;
  const legendWidth = 240;
  const width = left + plotWidth + legendWidth;
  const height = top + plotHeight + 50;
  const max = niceCeiling(Math.max(1, ...series.flatMap((line) => line.values)));
  const x = (index: number) => left + (categories.length === 1 ? plotWidth / 2 : (index / (categories.length - 1)) * plotWidth);
  const y = (value: number) => top + plotHeight - (value / max) * plotHeight;
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((fraction) => fraction * max);
  const parts = [
    ...chartFrame(width, height, (left + plotWidth) / 2, title),
    ...ticks.map(
      (tick) =>
        `<line x1="${left}" y1="${y(tick)}" x2="${left + plotWidth}" y2="${y(tick)}" stroke="#e5e7eb"/>` +
        `<text x="${left - 6}" y="${y(tick) + 4}" text-anchor="end" fill="#6b7280">${Number(tick.toPrecision(3))}</text>`,
    ),
    `<text x="14" y="${top + plotHeight / 2}" transform="rotate(-90 14 ${top + plotHeight / 2})" text-anchor="middle" fill="#374151">${escapeXml(yLabel)}</text>`,
    ...categories.map(
      (category, index) => `<text x="${x(index)}" y="${top + plotHeight + 18}" text-anchor="middle" fill="#374151">${escapeXml(category)}</text>`,
    ),
    ...series.map((line, lineIndex) => {
      const points = line.values.map((value, index) => `${x(index)},${y(value)}`).join(' ');
      const legendY = top + 10 + lineIndex * 20;
      return (
        `<polyline points="${points}" fill="none" stroke="${line.color}" stroke-width="2"/>` +
        line.values.map((value, index) => `<circle cx="${x(index)}" cy="${y(value)}" r="3.5" fill="${line.color}"/>`).join('') +
        `<rect x="${left + plotWidth + 20}" y="${legendY - 9}" width="12" height="12" fill="${line.color}"/>` +
        `<text x="${left + plotWidth + 38}" y="${legendY + 1}">${escapeXml(line.name)}</text>`
      );
    }),
    '</svg>',
  ];
  return parts.join('\n');
}
