#!/usr/bin/env -S node --max-semi-space-size=64
// --max-semi-space-size: see README "Run it" (young-generation size; fewer scavenges while writing).
// Launcher for the `lode` command: the compiled CLI (built by `npm run build`, and on install by `prepare`).
import '../dist/cmd/lode.js';
