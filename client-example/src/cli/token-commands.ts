/** `conduit tokens create|list|revoke`: personal access tokens (`cdt_…`) for scripts and CI. */
import type { Command } from 'commander';

import type { CommandRunner } from './command-runner.ts';
import { integerOption } from './article-commands.ts';
import { UsageError } from './exit-codes.ts';
import { formatDate, formatTable } from './output.ts';

const scopes = ['read', 'write'] as const;
type Scope = (typeof scopes)[number];

function isScope(value: string): value is Scope {
  return (scopes as readonly string[]).includes(value);
}

export function registerTokenCommands(program: Command, run: CommandRunner): void {
  const tokens = program
    .command('tokens')
    .description('personal access tokens (managed from a signed-in session, not with a token)')
    .addHelpText('after', '\nUse a token with --token cdt_… or CONDUIT_TOKEN=cdt_… on any command.');

  tokens
    .command('create')
    .description('create a token; it is shown once')
    .requiredOption('--name <name>', 'what the token is for, e.g. "ci"')
    .option('--scope <scope>', 'read or write (repeat for both; default both)', (value: string, previous: string[]) => [...previous, value], [])
    .option('--expires-in-days <days>', 'expire after this many days (1-366; default never)', integerOption(1, 366))
    .addHelpText('after', '\nExample:\n  $ conduit tokens create --name ci --scope read --expires-in-days 30')
    .action(
      run(async ({ session, out, options }) => {
        const opts = options as { name: string; scope: string[]; expiresInDays?: number };
        const wrong = opts.scope.filter((scope) => !isScope(scope));
        if (wrong.length) throw new UsageError(`--scope must be read or write, got ${wrong.join(', ')}`);
        const chosen = opts.scope.length ? [...new Set(opts.scope.filter(isScope))] : [...scopes];
        session.requireToken();
        const created = await out.progress('Creating the token', () =>
          session.api.auth.tokens.create.mutate({ name: opts.name, scopes: chosen, ...(opts.expiresInDays && { expiresInDays: opts.expiresInDays }) }),
        );
        out.result(created, () => created.token);
        out.note(`Token "${created.name}" (${created.scopes.join(', ')}; id ${created.id}). Copy it now: it is not shown again.`);
      }),
    );

  tokens
    .command('list')
    .description('your tokens (never their secret part)')
    .action(
      run(async ({ session, out }) => {
        session.requireToken();
        const list = await out.progress('Loading tokens', () => session.api.auth.tokens.list.query());
        out.result(list, () =>
          list.length
            ? formatTable(
                [
                  { header: 'ID', value: (token) => token.id },
                  { header: 'NAME', value: (token) => token.name },
                  { header: 'SCOPES', value: (token) => token.scopes.join(',') },
                  { header: 'CREATED (UTC)', value: (token) => formatDate(token.createdAt) },
                  { header: 'EXPIRES', value: (token) => formatDate(token.expiresAt) },
                  { header: 'LAST USED', value: (token) => formatDate(token.lastUsedAt) },
                ],
                list,
              )
            : 'No tokens.',
        );
      }),
    );

  tokens
    .command('revoke')
    .description('revoke a token by id (see `conduit tokens list`)')
    .argument('<id>', 'the token id')
    .action(
      run(async ({ session, out, args }) => {
        const id = args[0] ?? '';
        session.requireToken();
        await out.progress('Revoking', () => session.api.auth.tokens.revoke.mutate({ id }));
        out.result({ revoked: id }, () => `Revoked ${id}`);
      }),
    );
}
