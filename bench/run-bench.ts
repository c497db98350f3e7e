/**
 * `npm run bench`: for each data size, a fresh database seeded with the domain seeder, the
 * server started as in production, fixtures prepared over the API, then every scenario driven
 * with autocannon. Prints the tables; `--report` also writes docs/performance.md and its charts.
 * This entry point alone reads the environment (DATABASE_URL: a server to create databases on).
 */
import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

import { openBenchDatabaseServer } from './bench-database.ts';
import { parseBenchOptions, type BenchOptions } from './bench-options.ts';
import { prepareFixtures } from './fixtures.ts';
import { mergeRounds, probeScenario, runScenario, type ScenarioResult } from './load.ts';
import { formatResultTables } from './report/results-tables.ts';
import { writePerformanceReport } from './report/performance-report.ts';
import { scenarios, type Scenario } from './scenarios.ts';
import { repoRoot, startServerUnderTest } from './server-process.ts';

export interface SkippedScenario {
  id: string;
  articles: number;
  reason: string;
}

export interface BenchRun {
  options: BenchOptions;
  startedAt: Date;
  /** Wall time of the whole run (seeding included), seconds; absent in runs saved before it was recorded. */
  durationSeconds?: number;
  postgresVersion: string;
  isEmbeddedPostgres: boolean;
  seedSeconds: Record<number, number>;
  results: ScenarioResult[];
  skipped: SkippedScenario[];
}

const log = (line: string) => process.stdout.write(`${line}\n`);

/**
 * Runs the domain seeder (`npm run db:seed -- --articles N`) against `databaseUrl`; returns the
 * seconds it took, or undefined on a build without a seeder (scenarios needing data then skip).
 */
async function seed(databaseUrl: string, articles: number): Promise<number | undefined> {
  const manifest = JSON.parse(await readFile(path.join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  if (!manifest.scripts['db:seed']) return undefined;
  const startedAt = performance.now();
  await new Promise<void>((resolve, reject) => {
    const child = spawn('npm', ['run', '--silent', 'db:seed', '--', '--articles', String(articles)], {
      cwd: repoRoot,
      env: { ...process.env, DATABASE_URL: databaseUrl, NODE_ENV: 'production', LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`db:seed --articles ${articles} exited with ${code}`))));
  });
  return Math.round(performance.now() - startedAt) / 1000;
}

async function runAtSize(run: BenchRun, databaseServer: Awaited<ReturnType<typeof openBenchDatabaseServer>>, articles: number) {
  const { options } = run;
  const database = await databaseServer.createMigratedDatabase(`${articles}`);
  try {
    log(`\n== ${articles.toLocaleString('en')} articles: seeding…`);
    const seedSeconds = await seed(database.url, articles);
    if (seedSeconds === undefined) log('   no db:seed script on this build: the database stays empty');
    else run.seedSeconds[articles] = seedSeconds;
    log(`   seeded in ${seedSeconds ?? 0} s`);
    const server = await startServerUnderTest({ databaseUrl: database.url, cpuProfileDir: options.cpuProfileDir });
    try {
      const fixtures = await prepareFixtures(server.baseUrl);
      const selected = scenarios.filter(
        (scenario) =>
          (articles === options.mainSize || scenario.isScaleCurve) && (options.only.length === 0 || options.only.includes(scenario.id)),
      );
      const available: Scenario[] = [];
      for (const scenario of selected) {
        if ((await probeScenario(server, scenario, fixtures)) === 'missing') {
          run.skipped.push({ id: scenario.id, articles, reason: 'route or procedure not on this build (404)' });
          log(`   skip ${scenario.id}: route or procedure missing`);
        } else {
          available.push(scenario);
        }
      }
      const rounds = new Map<string, ScenarioResult[]>(available.map((scenario) => [scenario.id, []]));
      for (let round = 1; round <= options.rounds; round++) {
        for (const scenario of available) {
          // Warm-up once per scenario; later rounds start on a warm server.
          const settings = { ...options, warmupSeconds: round === 1 ? options.warmupSeconds : 0 };
          rounds.get(scenario.id)!.push(await runScenario(server, scenario, fixtures, settings, articles));
        }
      }
      for (const scenario of available) {
        const result = mergeRounds(rounds.get(scenario.id)!);
        run.results.push(result);
        log(
          `   ${scenario.id.padEnd(28)} ${String(result.requestsPerSecond).padStart(8)} req/s  p50 ${result.latencyMs.p50} ms  p99 ${result.latencyMs.p99} ms  errors ${result.errors}  rss ${result.maxRssMb} MB`,
        );
      }
      const serverComplaints = server.logLines.filter((line) => line.includes('"level":50') || line.includes('"level":60'));
      if (serverComplaints.length > 0) log(`   server logged ${serverComplaints.length} error line(s), first: ${serverComplaints[0]}`);
    } finally {
      await server.stop();
    }
  } finally {
    await database.drop();
  }
}

async function main(): Promise<void> {
  const options = parseBenchOptions(process.argv.slice(2));
  if (options.reportFromJson) {
    // A run's JSON (dates as strings) re-rendered: no server, no database.
    const saved = JSON.parse(await readFile(options.reportFromJson, 'utf8')) as BenchRun & { startedAt: string };
    log(`report written: ${await writePerformanceReport({ ...saved, startedAt: new Date(saved.startedAt) })}`);
    return;
  }
  const databaseServer = await openBenchDatabaseServer(process.env.DATABASE_URL || undefined);
  const run: BenchRun = {
    options,
    startedAt: new Date(),
    postgresVersion: databaseServer.version,
    isEmbeddedPostgres: databaseServer.isEmbedded,
    seedSeconds: {},
    results: [],
    skipped: [],
  };
  log(
    `Conduit bench: sizes ${options.sizes.join(', ')} (full set at ${options.mainSize}), ${options.rounds} round(s) of ${options.durationSeconds} s per scenario after ${options.warmupSeconds} s warm-up, ${options.connections} connections, PostgreSQL ${run.postgresVersion}${run.isEmbeddedPostgres ? ' (embedded)' : ''}`,
  );
  try {
    for (const articles of options.sizes) await runAtSize(run, databaseServer, articles);
  } finally {
    await databaseServer.stop();
  }
  run.durationSeconds = Math.round((Date.now() - run.startedAt.getTime()) / 1000);
  log(`\n${formatResultTables(run).console}`);
  if (options.jsonPath) await writeFile(options.jsonPath, JSON.stringify(run, null, 2));
  if (options.writesReport) {
    // The page names this file as the run's raw results.
    await writeFile(path.join(repoRoot, 'bench', 'results', 'latest-run.json'), `${JSON.stringify(run, null, 2)}\n`);
    log(`report written: ${await writePerformanceReport(run)}`);
  }
}

await main();
