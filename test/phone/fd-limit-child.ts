/**
 * Run by resource-limits.test.ts under a small `ulimit -n`: boots phones on WebSocket links until
 * one fails, prints what the failure said as one JSON line, stops the lab and exits.
 */
import { startLab } from '../../harness/lab/lab.ts';

const lab = await startLab({ phoneLinks: 'websocket' });
let booted = 0;
let failure: { name: string; limit?: string; message: string } | undefined;
try {
  for (; booted < 1000; booted++) await lab.farm.boot();
} catch (error) {
  const e = error as Error & { limit?: string };
  failure = { name: e.name, ...(e.limit ? { limit: e.limit } : {}), message: e.message };
}
await lab.stop();
console.log(JSON.stringify({ booted, failure, stopped: true }));
