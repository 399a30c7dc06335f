import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { REASONS, describeBecause, isReason, reasonTable } from '../../mock-oppo/core/reasons.ts';

const ROOT = new URL('../../', import.meta.url).pathname;

test('the README reason table is the vocabulary, rendered (edit mock-oppo/core/reasons.ts, then paste reasonTable())', async () => {
  const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
  const block = readme.match(/<!-- reasons:start -->\n([\s\S]*?)\n<!-- reasons:end -->/);
  assert.ok(block, 'README.md has the reasons block');
  assert.equal(block[1], reasonTable());
});

test('every reason has a layer, a kind, a meaning and what to do; lookups and the phrase form', () => {
  for (const [reason, info] of Object.entries(REASONS)) {
    assert.match(reason, /^[a-z][a-z0-9_]*$/, reason);
    assert.ok(['im', 'oppo', 'phone'].includes(info.layer), reason);
    assert.ok(info.meaning.length > 10 && info.fix.length > 5, reason);
  }
  assert.equal(isReason('logged_out'), true);
  assert.equal(isReason('dropped_on_device:channel_missing'), false);
  assert.equal(isReason('toString'), false);
  assert.equal(describeBecause({ reason: 'oppo_rejected', code: 33, detail: 'The number of messages exceeds the daily limit' }), 'oppo_rejected (code 33: The number of messages exceeds the daily limit)');
  assert.equal(describeBecause({ reason: 'logged_out' }), 'logged_out');
});

async function sources(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await sources(path)));
    else if (entry.name.endsWith('.ts')) out.push(path);
  }
  return out;
}

test('mock-oppo imports nothing from harness/ (it ships alone; the vocabulary lives in mock-oppo for that reason)', async () => {
  for (const file of await sources(join(ROOT, 'mock-oppo'))) {
    const text = await readFile(file, 'utf8');
    assert.doesNotMatch(text, /from '(\.\.\/)+harness\//, file);
  }
});
