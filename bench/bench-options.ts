/**
 * The suite's command line: `npm run bench -- [--smoke] [--report] [--sizes 1000,10000,100000]
 * [--duration 5] [--rounds 3] [--warmup 3] [--connections 10] [--only articles.list,...] [--json out.json]`.
 */
import { parseArgs } from 'node:util';

export interface BenchOptions {
  /** A few seconds per scenario on tiny data: proves the harness works, measures nothing. */
  isSmoke: boolean;
  /** Write docs/performance.md and its SVG charts. */
  writesReport: boolean;
  /** Article counts to seed; the first full scenario set runs at `mainSize`, the scale curve at each. */
  sizes: number[];
  mainSize: number;
  /** Measured seconds per scenario per round. */
  durationSeconds: number;
  warmupSeconds: number;
  /**
   * Rounds over the scenario list: scenario and baseline are measured alternately several
   * times, so load from elsewhere on a shared machine hits both rather than one.
   */
  rounds: number;
  connections: number;
  /** Scenario names to run (all when empty). */
  only: string[];
  /** Also write the raw results as JSON here (the smoke test reads it). */
  jsonPath: string | undefined;
  /** Re-render docs/performance.md from a `--json` file instead of measuring (after editing findings.md). */
  reportFromJson: string | undefined;
  /** Start the server with `--cpu-prof` and leave the profiles in this directory. */
  cpuProfileDir: string | undefined;
}

const usage = `usage: npm run bench -- [--smoke] [--report] [--sizes 1000,10000,100000] [--main-size 10000]
  [--duration 5] [--rounds 3] [--warmup 3] [--connections 10] [--only name,name] [--json file] [--cpu-prof dir]
  [--report-from run.json]`;

function positiveInteger(name: string, raw: string): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} must be a positive integer, got "${raw}"\n${usage}`);
  return value;
}

/**
 * @example
 * parseBenchOptions(['--smoke']).sizes; // [200]
 */
export function parseBenchOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      smoke: { type: 'boolean', default: false },
      report: { type: 'boolean', default: false },
      sizes: { type: 'string' },
      'main-size': { type: 'string' },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      rounds: { type: 'string' },
      connections: { type: 'string' },
      only: { type: 'string' },
      json: { type: 'string' },
      'cpu-prof': { type: 'string' },
      'report-from': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${usage}\n`);
    process.exit(0);
  }
  const isSmoke = values.smoke;
  const sizes = (values.sizes ?? (isSmoke ? '200' : '1000,10000,100000'))
    .split(',')
    .map((size) => positiveInteger('sizes', size.trim()));
  const mainSize = values['main-size'] ? positiveInteger('main-size', values['main-size']) : (sizes.includes(10_000) ? 10_000 : sizes[0]!);
  if (!sizes.includes(mainSize)) throw new Error(`--main-size ${mainSize} is not one of --sizes\n${usage}`);
  return {
    isSmoke,
    writesReport: values.report,
    sizes,
    mainSize,
    durationSeconds: values.duration ? positiveInteger('duration', values.duration) : isSmoke ? 1 : 5,
    rounds: values.rounds ? positiveInteger('rounds', values.rounds) : isSmoke ? 1 : 3,
    warmupSeconds: values.warmup ? positiveInteger('warmup', values.warmup) : isSmoke ? 1 : 3,
    connections: values.connections ? positiveInteger('connections', values.connections) : isSmoke ? 2 : 10,
    only: values.only ? values.only.split(',').map((name) => name.trim()).filter(Boolean) : [],
    jsonPath: values.json,
    cpuProfileDir: values['cpu-prof'],
    reportFromJson: values['report-from'],
  };
}
