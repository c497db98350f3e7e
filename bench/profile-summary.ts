/**
 * Summarises a V8 CPU profile (`npm run bench -- --cpu-prof dir` leaves them in `dir`): self
 * time by package or source folder, and the hottest functions. Usage:
 * `node bench/profile-summary.ts <file.cpuprofile> [top]`.
 */
import { readFile } from 'node:fs/promises';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** `node_modules/@trpc/server/…` → `@trpc/server`; `src/features/x/…` → `src/features/x`. */
function ownerOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (modules) return modules[1]!;
  if (url.startsWith('node:')) return 'node internals';
  const source = /\/((?:src|bench)\/(?:[^/]+\/)?)/.exec(url);
  return source ? source[1]! : url;
}

/**
 * @example
 * const { byOwner, byFunction } = summariseProfile(JSON.parse(text));
 */
export function summariseProfile(profile: CpuProfile): { totalMs: number; byOwner: Map<string, number>; byFunction: Map<string, number> } {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const byOwner = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let totalMs = 0;
  profile.samples.forEach((id, index) => {
    const node = nodes.get(id)!;
    const ms = (profile.timeDeltas[index] ?? 0) / 1000;
    totalMs += ms;
    const owner = ownerOf(node.callFrame.url, node.callFrame.functionName);
    byOwner.set(owner, (byOwner.get(owner) ?? 0) + ms);
    const name = `${node.callFrame.functionName || '(anonymous)'} ${owner}:${node.callFrame.lineNumber + 1}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + ms);
  });
  return { totalMs, byOwner, byFunction };
}

async function main(): Promise<void> {
  const [file, topArgument] = process.argv.slice(2);
  if (!file) throw new Error('usage: node bench/profile-summary.ts <file.cpuprofile> [top]');
  const top = Number(topArgument ?? 25);
  const { totalMs, byOwner, byFunction } = summariseProfile(JSON.parse(await readFile(file, 'utf8')) as CpuProfile);
  const busyMs = totalMs - (byOwner.get('(idle)') ?? 0);
  const print = (title: string, entries: Map<string, number>) => {
    process.stdout.write(`\n${title} (share of busy time, ${Math.round(busyMs)} ms busy of ${Math.round(totalMs)} ms)\n`);
    [...entries]
      .filter(([name]) => !name.startsWith('(idle)'))
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .forEach(([name, ms]) => process.stdout.write(`${((ms / busyMs) * 100).toFixed(1).padStart(5)}%  ${name}\n`));
  };
  print('Self time by owner', byOwner);
  print('Hottest functions', byFunction);
}

if (import.meta.main) await main();
