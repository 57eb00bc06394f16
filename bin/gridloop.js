#!/usr/bin/env node
// The gridloop command: runs the TypeScript sources through tsx, so no separate compile step is needed.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
