#!/usr/bin/env node
/** The `conduit` executable (workspace `bin`, or `npm run cli -- …`). Needs Node 24. */
import { runCli } from './program.ts';

process.exitCode = await runCli(process.argv.slice(2), process.env);
