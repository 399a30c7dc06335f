/**
 * The flow format: what parses, what each mistake says (file:line:column, the allowed words), the
 * committed JSON Schema equals the one built from the command table, every flow in flows/ parses,
 * and `push-lab test --dry-run` checks without running.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { Ajv } from 'ajv';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import { COMMAND_NAMES } from '../../harness/flows/commands.ts';
import { flowFiles, loadFlows, tagOf } from '../../harness/flows/load.ts';
import { FlowError, parseFlow } from '../../harness/flows/parse.ts';
import { cannotRun, runFlow } from '../../harness/flows/runner.ts';
import type { Scenario } from '../../harness/scenario/scenario.ts';
import { flowSchema, flowSchemaText } from '../../harness/flows/schema.ts';

const BIN = new URL('../../bin/push-lab.js', import.meta.url).pathname;

function problemsOf(text: string, file = 'flows/x.yaml'): string[] {
  try {
    parseFlow(text, file);
  } catch (err) {
    assert.ok(err instanceof FlowError, String(err));
    return err.message.split('\n');
  }
  assert.fail('the flow parsed');
}

test('a flow: header, bare words, values, nested repeat; what it needs follows from its commands', () => {
  const flow = parseFlow(
    ['name: demo', '---', '- user: alice', '- user: { id: bob, nick: Bobby }', '- login: bob', '- killApp', '- send: { from: alice, to: bob, text: hi, Ext: { conv: c2c } }', '- tapNotification', '- repeat:', '    times: 2', '    commands:', '      - advance: 10m', '- phone: B'].join('\n'),
    'flows/demo.yaml',
  );
  assert.equal(flow.name, 'demo');
  assert.deepEqual(flow.steps.map((s) => s.command), ['user', 'user', 'login', 'killApp', 'send', 'tapNotification', 'repeat', 'phone']);
  assert.deepEqual(flow.steps[4]!.arg, { from: 'alice', to: 'bob', text: 'hi', Ext: { conv: 'c2c' } });
  assert.equal(flow.steps[5]!.arg, null);
  assert.deepEqual(flow.steps[6]!.steps?.map((s) => [s.command, s.arg, s.at.line]), [['advance', '10m', 12]]);
  assert.deepEqual(flow.steps[2]!.at, { file: 'flows/demo.yaml', line: 5, column: 3 });
  assert.deepEqual(new Set(flow.requires), new Set(['any', 'virtual', 'two-phones']));
  assert.equal(cannotRun(flow, ['any', 'fakes']), 'needs virtual phones and time (E2E_PROFILE=virtual) and a second phone');
  assert.equal(cannotRun(flow, ['any', 'fakes', 'virtual', 'two-phones']), undefined);
  // Without mobile: shell (a farm's E2E_SHELL=off) a process death cannot be caused: the flow says where it needs one.
  assert.equal(cannotRun(flow, ['any', 'fakes', 'virtual', 'two-phones'], false), 'needs mobile: shell (E2E_SHELL=off) for killApp (a process death is am kill, a shell command) at flows/demo.yaml:6:3');
});

test('every mistake is reported at its line and column, with the words allowed there', () => {
  const problems = problemsOf(
    [
      '- user: alice',
      '- tapNotifcation',
      '- network: of',
      '- assertNotification: { title: Alice, titel: x, within: 10 minutes }',
      '- killApp: now',
      '- send: { from: alice, to: bob }',
      '- login:',
      '- user: { id: bob, nick: B }',
      '  login: bob',
      '- send: { from: alice, to: bob, group: team, text: hi }',
      '- send: { from: alice, text: hi }',
      '- groupMsgFlag: { group: team, user: bob, flag: Mute }',
    ].join('\n'),
  );
  assert.deepEqual(problems, [
    `flows/x.yaml:2:3: unknown command 'tapNotifcation'; allowed: ${COMMAND_NAMES.join(', ')}`,
    `flows/x.yaml:3:12: 'network' takes on | off, got "of"`,
    `flows/x.yaml:4:39: 'assertNotification' has no key 'titel'; allowed: title, text, channel, within`,
    `flows/x.yaml:4:57: 'assertNotification.within' must be a duration: 500ms, 30s, 10m, 2h, 1d, got "10 minutes"`,
    "flows/x.yaml:5:12: 'killApp' takes no value (write it as `- killApp`), got \"now\"",
    `flows/x.yaml:6:9: 'send' needs 'text' or 'custom'`,
    `flows/x.yaml:7:3: 'login' needs a value: log the phone's app in as a user (through its login screen)`,
    'flows/x.yaml:8:3: each list item is one command (`- killApp` or `- send: {...}`), this one has 2 keys — indent the values under the command',
    `flows/x.yaml:10:9: 'send' takes 'to' or 'group', not both`,
    `flows/x.yaml:11:9: 'send' needs 'to' or 'group'`,
    `flows/x.yaml:12:49: 'groupMsgFlag.flag' takes AcceptAndNotify | AcceptNotNotify | Discard, got "Mute"`,
  ]);
});

test('YAML syntax errors, a non-list, a missing or self-including runFlow are errors with positions', () => {
  assert.match(problemsOf('- user: [a\n')[0]!, /^flows\/x\.yaml:2:1: YAML: /);
  assert.match(problemsOf('user: alice\n')[0]!, /^flows\/x\.yaml:1:1: a flow is a list of commands/);
  const dir = mkdtempSync(join(tmpdir(), 'flows-'));
  try {
    writeFileSync(join(dir, 'a.yaml'), '- runFlow: b.yaml\n');
    writeFileSync(join(dir, 'b.yaml'), '- killApp\n- runFlow: a.yaml\n');
    const [loop] = loadFlows([join(dir, 'a.yaml')]);
    assert.ok(loop && 'error' in loop);
    assert.match(loop.error.message, /b\.yaml:2:12: runFlow 'a\.yaml' includes itself/);
    assert.match(problemsOf('- runFlow: nope.yaml\n', join(dir, 'c.yaml'))[0]!, /c\.yaml:1:12: runFlow: no flow file 'nope\.yaml'/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('flows/flow.schema.json is the schema built from the command table, and it accepts every flow in flows/', () => {
  assert.equal(readFileSync('flows/flow.schema.json', 'utf8'), flowSchemaText(), 'regenerate it: the command table changed');
  const validate = new Ajv({ strict: false }).compile(flowSchema());
  const files = flowFiles(['flows', 'flows/subflows']);
  assert.ok(files.length >= 11);
  for (const file of files) {
    const docs = parseAllDocuments(readFileSync(file, 'utf8'));
    const body = (Array.isArray(docs) ? docs.at(-1)!.toJSON() : undefined) as unknown;
    assert.ok(validate(body), `${file}: ${JSON.stringify(validate.errors?.slice(0, 2))}`);
  }
  assert.equal(validate(parseYaml('- killApp: now')), false, 'the schema refuses what the parser refuses');
});

test('every flow in flows/ parses; tags keep IM user ids within 32 bytes', () => {
  for (const loaded of loadFlows(['flows'])) {
    assert.ok(!('error' in loaded), 'error' in loaded ? loaded.error.message : '');
    assert.ok(`abcdefghijkl_${tagOf(loaded.file)}`.length <= 32, tagOf(loaded.file));
  }
});

test('push-lab test --dry-run: 0 and a line per flow when all parse; 1 with file:line:column when one does not', () => {
  const ok = spawnSync(process.execPath, [BIN, 'test', '--dry-run', 'flows'], { encoding: 'utf8' });
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /^ok {2}flows\/01-killed-app\.yaml {2}"a killed app/m);
  const dir = mkdtempSync(join(tmpdir(), 'flows-'));
  try {
    mkdirSync(join(dir, 'subflows'));
    writeFileSync(join(dir, 'good.yaml'), '- user: alice\n- login: alice\n');
    writeFileSync(join(dir, 'broken.yaml'), '- user: alice\n- stopAp\n');
    const bad = spawnSync(process.execPath, [BIN, 'test', '--dry-run', dir], { encoding: 'utf8' });
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /broken\.yaml:2:3: unknown command 'stopAp'; allowed: .*stopApp/);
    assert.match(bad.stderr, /1 of 2 flow files have problems/);
    const missing = spawnSync(process.execPath, [BIN, 'test', '--dry-run', join(dir, 'nope')], { encoding: 'utf8' });
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /no flow file or folder/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('README "Write a flow": its example is flows/00-readme-example.yaml (run by the suite), its table lists every command, its error lines are what the parser says', () => {
  const readme = readFileSync('README.md', 'utf8');
  const section = readme.slice(readme.indexOf('## Write a flow'), readme.indexOf('## Benchmarks'));
  const yamlBlock = /```yaml\n([\s\S]*?)```/.exec(section)?.[1];
  assert.equal(yamlBlock, readFileSync('flows/00-readme-example.yaml', 'utf8'));
  for (const name of COMMAND_NAMES) assert.match(section, new RegExp(`^\\| \`${name}\` \\|`, 'm'), `README lists ${name}`);
  const shown = /```\n(flows\/my-check[\s\S]*?)```/.exec(section)![1]!.trim().split('\n');
  const text = ['- user: bob', '- login: bob', '- killApp', '- user: alice', '- send: { from: alice, to: bob, text: hi }', '- assertNotification: Alice', '- tapNotifcation', '- stopApp', '- network: of'].join('\n');
  const said = problemsOf(text, 'flows/my-check.yaml');
  assert.equal(said.length, shown.length);
  shown.forEach((line, i) => assert.ok(said[i]!.startsWith(line.replace(/\.\.\.$/, '')), `${said[i]} vs README ${line}`));
});

test('a step that fails while the flow runs names its file:line:column, also inside a subflow or a repeat, and nothing after it runs', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'flows-'));
  try {
    writeFileSync(join(dir, 'main.yaml'), ['- user: alice', '- runFlow: sub.yaml', '- user: never'].join('\n'));
    writeFileSync(join(dir, 'sub.yaml'), ['- repeat:', '    times: 2', '    commands:', '      - user: bob', '      - send: { from: alice, to: carol, text: hi }'].join('\n'));
    const [loaded] = loadFlows([join(dir, 'main.yaml')]);
    assert.ok(loaded && 'flow' in loaded, loaded && 'error' in loaded ? loaded.error.message : '');
    // These steps reach the scenario only to declare users: a scenario that records what it was asked.
    const asked: string[] = [];
    const scenario = { phone: () => ({}), im: {}, user: async (name: string) => (asked.push(name), `${name}_t`) } as unknown as Scenario;
    await assert.rejects(runFlow(scenario, loaded.flow), (err: Error) => {
      assert.equal(err.message.split('\n')[0], `${relative(process.cwd(), join(dir, 'sub.yaml'))}:5:9: send failed: no user 'carol' in this flow; declare it first with \`- user: carol\` (declared: alice, bob)`);
      return true;
    });
    assert.deepEqual(asked, ['alice', 'bob'], 'the first pass of the repeat stopped at the failing step');
    await assert.rejects(runFlow(scenario, parseFlow('- user: dave\n- removeFromGroup: { group: team, users: [dave] }\n', 'flows/g.yaml')), { message: /^flows\/g\.yaml:2:3: removeFromGroup failed: no group 'team' in this flow/ });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
