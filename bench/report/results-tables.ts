/**
 * Turns a run's results into the tables both the console and docs/performance.md print:
 * scenarios at the main size with their ratio to the baseline, the scale curve, and targets.
 */
import type { ScenarioResult } from '../load.ts';
import type { BenchRun } from '../run-bench.ts';
import { scenarios } from '../scenarios.ts';

export interface Table {
  title: string;
  headers: string[];
  rows: string[][];
}

export interface TargetCheck {
  target: string;
  measured: string;
  verdict: 'holds' | 'missed' | 'not measured';
}

const targetRatios = { trpc: 0.85, rest: 0.8 } as const;
const maxScaleRatio = 1.5;
const maxEventLoopP99Ms = 20;
const maxRssMb = 250;

function find(results: ScenarioResult[], id: string | undefined, articles: number): ScenarioResult | undefined {
  return results.find((result) => result.id === id && result.articles === articles);
}

/** Throughput of `result` over its baseline's in the same run; undefined without a baseline. */
export function throughputRatio(results: ScenarioResult[], result: ScenarioResult): number | undefined {
  const baseline = find(results, result.baselineId, result.articles);
  return baseline && baseline.requestsPerSecond > 0 ? result.requestsPerSecond / baseline.requestsPerSecond : undefined;
}

/** Server CPU per request of `result` over its baseline's (1.25 = a quarter more CPU per request). */
export function cpuRatio(results: ScenarioResult[], result: ScenarioResult): number | undefined {
  const baseline = find(results, result.baselineId, result.articles);
  return baseline && baseline.cpuMsPerRequest > 0 ? result.cpuMsPerRequest / baseline.cpuMsPerRequest : undefined;
}

const fixed = (value: number | undefined, digits: number) => (value === undefined ? '–' : value.toFixed(digits));

function mainTable(run: BenchRun): Table {
  const { mainSize } = run.options;
  const rows = run.results
    .filter((result) => result.articles === mainSize)
    .map((result) => [
      result.label,
      result.kind,
      fixed(result.requestsPerSecond, 0),
      fixed(throughputRatio(run.results, result), 2),
      String(result.latencyMs.p50),
      String(result.latencyMs.p90),
      String(result.latencyMs.p99),
      fixed(result.cpuMsPerRequest, 2),
      fixed(cpuRatio(run.results, result), 2),
      String(result.errors),
      String(result.maxRssMb),
      fixed(result.eventLoopP99Ms, 1),
    ]);
  return {
    title: `Scenarios at ${mainSize.toLocaleString('en')} articles`,
    headers: ['scenario', 'kind', 'req/s', '× baseline', 'p50 ms', 'p90 ms', 'p99 ms', 'CPU ms/req', 'CPU × baseline', 'errors', 'RSS MB', 'loop p99 ms'],
    rows,
  };
}

/** p50 latency of each scale-curve scenario per size, and its ratio to the smallest size. */
function scaleTable(run: BenchRun): Table {
  const sizes = run.options.sizes;
  const smallest = sizes[0]!;
  const ids = scenarios
    .filter((scenario) => scenario.isScaleCurve && sizes.every((size) => find(run.results, scenario.id, size)))
    .map((scenario) => scenario.id);
  const rows = ids.map((id) => {
    const first = find(run.results, id, smallest)!;
    const cells = sizes.flatMap((size) => {
      const result = find(run.results, id, size)!;
      return [String(result.latencyMs.p50), fixed(result.latencyMs.p50 / Math.max(first.latencyMs.p50, 1), 2), fixed(result.requestsPerSecond, 0)];
    });
    return [first.label, ...cells];
  });
  return {
    title: `Scale curve: p50 latency (ms), ratio to ${smallest.toLocaleString('en')}, req/s`,
    headers: ['scenario', ...sizes.flatMap((size) => [`p50 @${size}`, `× @${size}`, `req/s @${size}`])],
    rows,
  };
}

/** Each target of issue 8 with what this run measured. */
export function checkTargets(run: BenchRun): TargetCheck[] {
  const { results, options } = run;
  const checks: TargetCheck[] = [];
  const ratioCheck = (id: string, minimum: number) => {
    const result = find(results, id, options.mainSize);
    const ratio = result && throughputRatio(results, result);
    checks.push({
      target: `${result?.label ?? id} throughput ≥ ${minimum} × baseline`,
      measured: ratio === undefined ? '–' : `${ratio.toFixed(2)} ×`,
      verdict: ratio === undefined ? 'not measured' : ratio >= minimum ? 'holds' : 'missed',
    });
  };
  ratioCheck('trpc.articles.list', targetRatios.trpc);
  ratioCheck('trpc.articles.bySlug', targetRatios.trpc);
  ratioCheck('rest.articles.list', targetRatios.rest);

  const smallest = options.sizes[0]!;
  const largest = options.sizes[options.sizes.length - 1]!;
  for (const id of ['trpc.articles.list', 'trpc.articles.feed', 'trpc.articles.bySlug']) {
    const small = find(results, id, smallest);
    const large = find(results, id, largest);
    const ratio = small && large ? large.latencyMs.p50 / Math.max(small.latencyMs.p50, 1) : undefined;
    checks.push({
      target: `${small?.label ?? id} p50 at ${largest.toLocaleString('en')} ≤ ${maxScaleRatio} × at ${smallest.toLocaleString('en')}`,
      measured: ratio === undefined || smallest === largest ? '–' : `${large!.latencyMs.p50} ms vs ${small!.latencyMs.p50} ms = ${ratio.toFixed(2)} ×`,
      verdict: ratio === undefined || smallest === largest ? 'not measured' : ratio <= maxScaleRatio ? 'holds' : 'missed',
    });
  }

  const login = find(results, 'trpc.auth.login', options.mainSize);
  checks.push({
    target: `event-loop delay p99 < ${maxEventLoopP99Ms} ms during auth.login`,
    measured: login?.eventLoopP99Ms === undefined ? '–' : `${login.eventLoopP99Ms} ms`,
    verdict: login?.eventLoopP99Ms === undefined ? 'not measured' : login.eventLoopP99Ms < maxEventLoopP99Ms ? 'holds' : 'missed',
  });
  const peakRss = Math.max(0, ...results.map((result) => result.maxRssMb));
  checks.push({
    target: `server RSS under load < ${maxRssMb} MB`,
    measured: results.length === 0 ? '–' : `${peakRss} MB peak`,
    verdict: results.length === 0 ? 'not measured' : peakRss < maxRssMb ? 'holds' : 'missed',
  });
  return checks;
}

function targetsTable(run: BenchRun): Table {
  return {
    title: 'Targets',
    headers: ['target', 'measured', 'verdict'],
    rows: checkTargets(run).map((check) => [check.target, check.measured, check.verdict]),
  };
}

function renderConsole(table: Table): string {
  const widths = table.headers.map((header, column) => Math.max(header.length, ...table.rows.map((row) => row[column]!.length)));
  const line = (cells: string[]) => cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!))).join('  ');
  return [table.title, line(table.headers), widths.map((width) => '-'.repeat(width)).join('  '), ...table.rows.map(line)].join('\n');
}

/** GitHub-flavoured Markdown, numbers right-aligned. */
export function renderMarkdown(table: Table): string {
  const align = table.headers.map((_, column) => (column === 0 ? ':---' : '---:'));
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(table.headers), line(align), ...table.rows.map(line)].join('\n');
}

/**
 * @example
 * process.stdout.write(formatResultTables(run).console);
 */
export function formatResultTables(run: BenchRun): { tables: Table[]; console: string } {
  const tables = [mainTable(run), scaleTable(run), targetsTable(run)];
  const skipped = run.skipped.length > 0 ? `\nSkipped: ${run.skipped.map((s) => `${s.id} @${s.articles} (${s.reason})`).join('; ')}` : '';
  return { tables, console: tables.map(renderConsole).join('\n\n') + skipped };
}
