/**
 * The `conduit` command tree (commander). Global options: --url, --token, --json. Exit codes
 * are in exit-codes.ts; a command-line mistake (unknown command, missing argument) exits 2.
 */
import { Command, CommanderError, Option } from 'commander';

import { registerArticleCommands } from './article-commands.ts';
import { registerAuthCommands } from './auth-commands.ts';
import { createRunner } from './command-runner.ts';
import { registerCommentCommands } from './comment-commands.ts';
import { exitCodes } from './exit-codes.ts';
import { defaultUrl } from './session.ts';
import { registerTokenCommands } from './token-commands.ts';

/**
 * Runs the CLI on `argv` (without the node and script entries) and resolves to the exit code.
 *
 * @example process.exitCode = await runCli(process.argv.slice(2), process.env);
 */
export async function runCli(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  let exitCode: number = exitCodes.ok;
  const program = new Command('conduit')
    .description('Conduit API from the command line: articles, comments (live) and access tokens')
    .addOption(new Option('--url <url>', `server URL (env CONDUIT_URL; default ${defaultUrl})`))
    .addOption(new Option('--token <token>', 'a session or personal access token for this call (env CONDUIT_TOKEN)'))
    .option('--json', 'print JSON for scripts instead of tables')
    .showHelpAfterError('(add --help for usage)')
    .exitOverride();
  // Every subcommand shares the exit override (commander copies settings to children made later).
  const run = createRunner(env, (code) => (exitCode = code));
  registerAuthCommands(program, run);
  registerArticleCommands(program, run);
  registerCommentCommands(program, run);
  registerTokenCommands(program, run);
  program.addHelpText(
    'after',
    `\nExit codes: 0 ok, 1 server error or unreachable, 2 usage error, 3 not signed in / not allowed, 4 request refused (not found, invalid, conflict).`,
  );

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    // --help and --version are successes; any other commander complaint is a usage error.
    const isHelp = error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || (error.code === 'commander.help' && error.exitCode === 0);
    return isHelp ? exitCodes.ok : exitCodes.usage;
  }
  return exitCode;
}
