/** `conduit login`, `logout`, `whoami`: getting a token into the config directory and out again. */
import type { Command } from 'commander';

import { removeCredentials, writeCredentials } from './credentials-store.ts';
import { UsageError } from './exit-codes.ts';
import { promptHidden, promptLine, readAllStdin } from './prompt.ts';
import { clientFor } from './session.ts';
import type { CommandRunner } from './command-runner.ts';

export function registerAuthCommands(program: Command, run: CommandRunner): void {
  program
    .command('login')
    .description('sign in and store the token in your config directory (mode 0600)')
    .option('-u, --user <login>', 'username or email')
    .option('--password-stdin', 'read the password from standard input instead of prompting')
    .option('--code <code>', 'the 6-digit code from your authenticator app, when two-factor sign-in is on')
    .addHelpText(
      'after',
      '\nWith --token (or CONDUIT_TOKEN) the given personal access token is checked and stored instead.\n\nExamples:\n  $ conduit login --user jake\n  $ echo "$PASSWORD" | conduit login --user jake --password-stdin\n  $ conduit login --token cdt_…',
    )
    .action(
      run(async ({ session, out, options }) => {
        const opts = options as { user?: string; passwordStdin?: boolean; code?: string };
        if (session.token && (session.tokenSource === 'option' || session.tokenSource === 'env') && !opts.user) {
          // A token given on the command line or in CONDUIT_TOKEN: check it, then keep it.
          const me = await out.progress('Checking the token', () => clientFor(session.url, session.token).auth.me.query());
          await writeCredentials(session.file, { url: session.url, token: session.token ?? '', username: me.username });
          out.result({ username: me.username, url: session.url }, () => `Signed in to ${session.url} as ${me.username} (token stored in ${session.file})`);
          return;
        }
        const login = opts.user ?? (process.stdin.isTTY ? await promptLine('Username or email: ') : undefined);
        if (!login) throw new UsageError('login needs --user <login> (or a terminal to ask on)');
        const password = opts.passwordStdin ? await readAllStdin() : process.stdin.isTTY ? await promptHidden('Password: ') : undefined;
        if (!password) throw new UsageError('login needs a password: type it at the prompt, or pipe it with --password-stdin');

        const api = clientFor(session.url, null);
        const result = await out.progress('Signing in', () => api.auth.login.mutate({ login, password }));
        let grant: { token: string; user: { username: string } };
        if (result.twoFactorRequired) {
          const code = opts.code ?? (process.stdin.isTTY ? await promptLine('Authenticator code: ') : undefined);
          if (!code) throw new UsageError('this account has two-factor sign-in: pass --code <code>');
          grant = await out.progress('Checking the code', () => api.auth.twoFactor.verifyLogin.mutate({ challenge: result.challenge, code }));
        } else {
          grant = result;
        }
        await writeCredentials(session.file, { url: session.url, token: grant.token, username: grant.user.username });
        out.result({ username: grant.user.username, url: session.url }, () => `Signed in to ${session.url} as ${grant.user.username} (token stored in ${session.file})`);
      }),
    );

  program
    .command('logout')
    .description('end the stored session on the server and forget the token')
    .action(
      run(async ({ session, out }) => {
        const stored = session.stored;
        // A personal access token outlives `logout`: revoke it with `conduit tokens revoke`.
        if (stored && !stored.token.startsWith('cdt_')) {
          await out.progress('Signing out', () => clientFor(stored.url, stored.token).auth.logout.mutate()).catch(() => undefined);
        }
        await removeCredentials(session.file);
        out.result({ signedOut: stored !== null }, () => (stored ? `Signed out ${stored.username} from ${stored.url}` : 'Not signed in; nothing to do'));
      }),
    );

  program
    .command('whoami')
    .description('show the account the token belongs to')
    .action(
      run(async ({ session, out }) => {
        session.requireToken();
        const me = await out.progress('Asking the server', () => session.api.auth.me.query());
        out.result(me, () => `${me.username} <${me.email}> (${me.role}) on ${session.url}`);
      }),
    );
}
