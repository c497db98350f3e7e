#!/usr/bin/env node
/** The `conduit` executable (workspace `bin`, or `npm run cli -- …`). Needs Node 24. */
import { runCli } from './program.ts';

// `conduit articles list | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

process.exitCode = await runCli(process.argv.slice(2), process.env);
