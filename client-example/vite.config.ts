/**
 * The example page. `npm run build` writes it to dist/web with base `/example/`, which the API
 * server serves at /example. `vite` / `vite preview` proxy /trpc to CONDUIT_URL (default
 * http://localhost:3000), so the page also runs beside a separately started API.
 */
import { defineConfig } from 'vite';

const apiUrl = process.env.CONDUIT_URL ?? 'http://localhost:3000';
const proxy = { '/trpc': { target: apiUrl, changeOrigin: true } };

export default defineConfig({
  root: import.meta.dirname,
  base: '/example/',
  build: { outDir: 'dist/web', emptyOutDir: true, sourcemap: true, target: 'es2022' },
  server: { proxy },
  preview: { proxy },
  logLevel: 'warn',
});
