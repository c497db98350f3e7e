/**
 * `npm run build`: the browser client (dist/api.js, rolldown), the CLI as one file
 * (dist/cli/conduit.js, rolldown, for Node 24) and the example page (dist/web, Vite).
 * The bundle test reuses these functions to check what a real bundler pulls in.
 */
import { builtinModules } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

import { build, type OutputAsset, type OutputChunk } from 'rolldown';
import { build as viteBuild } from 'vite';

const packageRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** What a bundle is made of and how big it is, for the bundle test and the build log. */
export interface BundleReport {
  moduleIds: string[];
  bytes: number;
  gzipBytes: number;
}

/**
 * @example
 * const chunk = await bundleClient({ write: false });
 * chunk.moduleIds; // every file the bundle contains
 */
export async function bundleClient(options: { write: boolean }): Promise<OutputChunk> {
  const result = await build({
    input: path.join(packageRoot, 'src/api.ts'),
    platform: 'browser',
    write: options.write,
    logLevel: 'warn',
    output: { file: path.join(packageRoot, 'dist/api.js'), format: 'esm', sourcemap: true },
  });
  return result.output[0];
}

/**
 * The CLI with its dependencies in one file; only Node's built-in modules stay imports.
 *
 * @example const report = await bundleCli({ write: false }); // report.gzipBytes
 */
export async function bundleCli(options: { write: boolean }): Promise<BundleReport> {
  const builtins = new Set([...builtinModules, ...builtinModules.map((name) => `node:${name}`)]);
  const result = await build({
    input: path.join(packageRoot, 'src/cli/conduit.ts'),
    platform: 'node',
    external: (id) => builtins.has(id),
    write: options.write,
    logLevel: 'warn',
    output: { file: path.join(packageRoot, 'dist/cli/conduit.js'), format: 'esm', minify: true },
  });
  return reportOf(result.output.filter((item): item is OutputChunk => item.type === 'chunk'));
}

/**
 * The example page as Vite builds it for /example (vite.config.ts).
 *
 * @example const report = await buildPage({ write: true }); // writes dist/web
 */
export async function buildPage(options: { write: boolean }): Promise<BundleReport> {
  const result = await viteBuild({ configFile: path.join(packageRoot, 'vite.config.ts'), build: { write: options.write } });
  const outputs = (Array.isArray(result) ? result : [result]).flatMap((item) => ('output' in item ? item.output : []));
  return reportOf(outputs.filter((item): item is OutputChunk => item.type === 'chunk'), outputs.filter((item): item is OutputAsset => item.type === 'asset'));
}

function reportOf(chunks: OutputChunk[], assets: OutputAsset[] = []): BundleReport {
  // Source maps are assets too; they are not shipped to a user who does not open dev tools.
  const shipped = [...chunks.map((chunk) => chunk.code), ...assets.filter((asset) => !asset.fileName.endsWith('.map')).map((asset) => asset.source)];
  const buffers = shipped.map((content) => (typeof content === 'string' ? Buffer.from(content) : Buffer.from(content)));
  return {
    moduleIds: chunks.flatMap((chunk) => chunk.moduleIds),
    bytes: buffers.reduce((sum, buffer) => sum + buffer.length, 0),
    gzipBytes: buffers.reduce((sum, buffer) => sum + gzipSync(buffer).length, 0),
  };
}

if (import.meta.main) {
  const client = await bundleClient({ write: true });
  process.stdout.write(`dist/api.js: ${client.code.length} bytes from ${client.moduleIds.length} modules\n`);
  const cli = await bundleCli({ write: true });
  process.stdout.write(`dist/cli/conduit.js: ${cli.bytes} bytes (${cli.gzipBytes} gzipped) from ${cli.moduleIds.length} modules\n`);
  const page = await buildPage({ write: true });
  process.stdout.write(`dist/web: ${page.bytes} bytes (${page.gzipBytes} gzipped) from ${page.moduleIds.length} modules\n`);
}
