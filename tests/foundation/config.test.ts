import { spawnSync } from 'node:child_process';

import { describe, expect, it } from 'vitest';

import { ConfigError, loadConfig } from '../../src/config.ts';

describe('configuration', () => {
  it('applies documented defaults when the environment is empty', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ PORT: 3000, HOST: '127.0.0.1', NODE_ENV: 'development', DB_POOL_MAX: 10, TRPC_MAX_BATCH_SIZE: 10 });
    expect(config.DATABASE_URL).toBeUndefined();
  });

  it('parses typed values and lists', () => {
    const config = loadConfig({ PORT: '8080', CORS_ORIGINS: 'https://a.example, https://b.example', MIGRATE_ON_START: 'false' });
    expect(config.PORT).toBe(8080);
    expect(config.CORS_ORIGINS).toEqual(['https://a.example', 'https://b.example']);
    expect(config.MIGRATE_ON_START).toBe(false);
  });

  it('names every invalid variable and what was expected', () => {
    expect(() => loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud' })).toThrowError(ConfigError);
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud' });
    } catch (error) {
      const message = (error as Error).message;
      expect(message).toMatch(/PORT: .*number/);
      expect(message).toMatch(/DATABASE_URL: /);
      expect(message).toMatch(/LOG_LEVEL: .*"info"/);
    }
  });

  it('makes the server exit non-zero with the message when the environment is invalid', () => {
    const result = spawnSync(process.execPath, ['src/server.ts'], {
      env: { PATH: process.env.PATH, PORT: '70000' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.status).toBe(78);
    expect(result.stderr).toContain('PORT');
    expect(result.stderr).toMatch(/65535/);
  });
});
