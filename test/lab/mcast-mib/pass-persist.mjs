#!/usr/bin/env node
// Entry point snmpd can run without a TypeScript loader on its command line (its cwd is not the repo).
import { register } from 'tsx/esm/api';

register();
await import('./pass-persist.ts');
