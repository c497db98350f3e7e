/**
 * Bundles the client for browsers with rolldown (`npm run build` → dist/api.js). The bundle
 * test reuses `bundleClient` to check what a real bundler pulls in.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { build, type OutputChunk } from 'rolldown';

const packageRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

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

if (import.meta.main) {
  const chunk = await bundleClient({ write: true });
  process.stdout.write(`dist/api.js: ${chunk.code.length} bytes from ${chunk.moduleIds.length} modules\n`);
}
