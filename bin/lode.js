#!/usr/bin/env -S node --max-semi-space-size=64
// The one place lode's Node flags are written (benchmark/runtime-flags.ts reads them from here).
// --max-semi-space-size: see README "Run it" (young-generation size; fewer scavenges while writing).
// Launcher for the `lode` command: the compiled CLI (built by `npm run build`, and on install by `prepare`).
import '../dist/cmd/lode.js';
