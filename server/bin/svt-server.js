#!/usr/bin/env node
// Thin entry: the compiled CLI does everything. Committed as plain JS so that
// npm can link the bin before the build has run.
import { run } from '../dist/cli.js';

await run(process.argv);
