/**
 * Every action runs through `createRunner`: it opens the session (URL, token), builds the
 * printer, and turns a thrown error into a plain message and the right exit code.
 */
import type { Command } from 'commander';

import { serverErrorOf } from '../api.ts';
import { exitCodeFor } from './exit-codes.ts';
import { createPrinter, type Printer } from './output.ts';
import { openSession, type CliSession, type GlobalOptions } from './session.ts';

export interface CommandContext {
  session: CliSession;
  out: Printer;
  /** The command's own options (commander's `opts()`). */
  options: Record<string, unknown>;
  /** Positional arguments, in order. */
  args: string[];
}

/** Wraps an action: `run(async ({ session, out, args }) => …)`. */
export type CommandRunner = (action: (context: CommandContext) => Promise<void>) => (...commanderArgs: unknown[]) => Promise<void>;

/** @example const run = createRunner(process.env, (code) => (process.exitCode = code)); */
export function createRunner(env: NodeJS.ProcessEnv, setExitCode: (code: number) => void): CommandRunner {
  return (action) =>
    async (...commanderArgs) => {
      // commander calls actions with (...positionals, options, command).
      const command = commanderArgs.at(-1) as Command;
      const globals = command.optsWithGlobals<GlobalOptions>();
      const out = createPrinter({ isJson: globals.json === true });
      try {
        const session = await openSession(globals, env);
        const args = commanderArgs.slice(0, -2).filter((value): value is string => typeof value === 'string');
        await action({ session, out, options: command.opts(), args });
      } catch (error) {
        reportError(error, out.isJson);
        setExitCode(exitCodeFor(error));
      }
    };
}

/** The server's `code`, `reason` and message, shown as they came; field issues one per line. */
function reportError(error: unknown, isJson: boolean): void {
  const server = serverErrorOf(error);
  const message = error instanceof Error ? error.message : String(error);
  if (isJson) {
    const body = server
      ? { code: server.code, reason: server.reason, message: server.message, issues: server.issues, requestId: server.requestId }
      : { message };
    process.stderr.write(`${JSON.stringify({ error: body })}\n`);
    return;
  }
  if (!server) {
    const chain = causeChain(error);
    const isUnreachable = /fetch failed|ECONNREFUSED|ENOTFOUND|ECONNRESET/i.test(chain.join(' '));
    process.stderr.write(`Error: ${isUnreachable ? 'cannot reach the server: ' : ''}${chain.join(': ')}\n`);
    return;
  }
  const lines = [`Error ${server.code} (${server.reason}): ${server.message}`];
  for (const issue of server.issues ?? []) lines.push(`  ${issue.path || '(input)'}: ${issue.message}`);
  if (server.httpStatus >= 500 && server.requestId) lines.push(`  request id: ${server.requestId}`);
  process.stderr.write(`${lines.join('\n')}\n`);
}

/** The distinct messages of an error and its causes (`fetch failed: connect ECONNREFUSED …`). */
function causeChain(error: unknown): string[] {
  const messages: string[] = [];
  for (let current: unknown = error; current !== undefined && messages.length < 5; current = current instanceof Error ? current.cause : undefined) {
    const text = current instanceof Error ? current.message || (current as { code?: string }).code || current.name : typeof current === 'string' ? current : JSON.stringify(current);
    if (text && !messages.includes(text)) messages.push(text);
    if (!(current instanceof Error)) break;
  }
  return messages;
}
