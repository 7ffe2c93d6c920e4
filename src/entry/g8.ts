#!/usr/bin/env node
/** The `g8` command line entry: run, then leave with the exit code (0 ok, 1 failed, 2 usage). */
import { runCli } from '../cli/cli.js';

// exitCode rather than exit(): piped stdout is flushed before the process ends.
process.exitCode = await runCli(process.argv.slice(2), process.env);
