import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // The CLI and browser tests start real servers on a real PostgreSQL, like the server's own
    // tests: the same template database set-up and the same console.error guard.
    globalSetup: ['../tests/helpers/global-setup.ts'],
    setupFiles: ['../tests/helpers/fail-on-console-error.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // `npm run typecheck` runs the type-level tests (*.test-d.ts) with `vitest --typecheck.only`.
    typecheck: { include: ['src/**/*.test-d.ts', 'tests/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
  },
});
