#!/usr/bin/env node
// The package bin: loads tsx's ESM hooks so the TypeScript sources run as they are (no build step).
import { register } from 'tsx/esm/api';

register();
const { pushLab } = await import('../harness/cli/push-lab.ts');
process.exitCode = await pushLab(process.argv.slice(2));
