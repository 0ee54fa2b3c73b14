#!/usr/bin/env node
// Launcher for the `lode` command: the compiled CLI (built by `npm run build`, and on install by `prepare`).
import '../dist/cmd/lode.js';
