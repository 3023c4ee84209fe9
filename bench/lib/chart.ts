// An SVG bar chart of the ratios service / baseline, one bar per workload
// and database, with the targets drawn as lines. Hand-written SVG: no
// plotting dependency for one chart.
import type { Report } from './report.js';

const WIDTH = 640;
const BAR = 18;
const LEFT = 150;
const MAX_RATIO = 1.2;
const COLOURS = { postgres: '#336791', pglite: '#9a6fb0' };

const x = (ratio: number) => LEFT + (Math.min(ratio, MAX_RATIO) / MAX_RATIO) * (WIDTH - LEFT - 20);
const escapeXml = (s: string) => s.replace(/[<>&]/g, (c) => `&#${c.charCodeAt(0)};`);

export function ratioChart(report: Report): string {
  const rows = report.comparisons;
  const height = 60 + rows.length * (BAR + 8) + 50;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="10" y="20" font-size="14">Throughput ratio service / baseline (median of runs; higher is better)</text>`,
    `<text x="10" y="38" fill="#555">${escapeXml(String(report.conditions.date))} · ${escapeXml(String(report.conditions.cpus))} · shared machine</text>`,
  ];
  rows.forEach((c, i) => {
    const y = 55 + i * (BAR + 8);
    parts.push(
      `<text x="${LEFT - 8}" y="${y + 13}" text-anchor="end">${c.database} ${c.workload}</text>`,
      `<rect x="${LEFT}" y="${y}" width="${x(c.ratio) - LEFT}" height="${BAR}" fill="${COLOURS[c.database]}"/>`,
      `<text x="${x(c.ratio) + 4}" y="${y + 13}">${c.ratio.toFixed(2)}</text>`,
    );
  });
  const bottom = 55 + rows.length * (BAR + 8);
  for (const ratio of [0.8, 0.9, 1]) {
    parts.push(
      `<line x1="${x(ratio)}" y1="48" x2="${x(ratio)}" y2="${bottom}" stroke="#c33" stroke-dasharray="4 3"/>`,
      `<text x="${x(ratio)}" y="${bottom + 14}" text-anchor="middle" fill="#c33">${ratio.toFixed(1)}</text>`,
    );
  }
  parts.push(
    `<text x="10" y="${bottom + 34}" fill="#555">targets: 0.9 for get-one and list, 0.8 for create (and mixed); ` +
      `blue PostgreSQL, purple PGlite</text>`,
    '</svg>',
  );
  return parts.join('\n');
}
