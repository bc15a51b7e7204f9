#!/usr/bin/env node
// The `svt` bin: runs the bundled CLI, the same file the server serves at /cli/svt.mjs.
import '../dist/svt.mjs';
