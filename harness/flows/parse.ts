/**
 * Reading a flow file: YAML (one document of commands, or a header document, `---`, then the
 * commands), every command checked against the command table, `runFlow` files read in and
 * `repeat` blocks nested, each step keeping its file:line:column. Problems are collected, not
 * thrown one by one, and each names what is allowed there.
 */
import { readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';
import { isMap, isScalar, isSeq, LineCounter, parseAllDocuments, type Document, type Node as YamlNode, type Pair } from 'yaml';
import type { SpecRequirement } from '../scenario/profiles.ts';
import { COMMAND_NAMES, COMMANDS, HEADER_SCHEMA, isCommandName, type CommandName, type CommandSpec, type JsonSchema } from './commands.ts';

export interface SourcePos {
  file: string;
  line: number;
  column: number;
}

export interface Step {
  command: CommandName;
  /** The argument as plain data (null for a bare word). */
  arg: unknown;
  at: SourcePos;
  /** `repeat`'s and `runFlow`'s commands. */
  steps?: Step[];
}

export interface Flow {
  file: string;
  name: string;
  steps: Step[];
  /** What the run target must offer for every step to run (spec groups). */
  requires: SpecRequirement[];
}

export class FlowError extends Error {
  override name = 'FlowError';
  constructor(readonly problems: Array<{ at: SourcePos; message: string }>) {
    super(problems.map((p) => `${formatPos(p.at)}: ${p.message}`).join('\n'));
  }
}

export function formatPos(at: SourcePos): string {
  return `${at.file}:${at.line}:${at.column}`;
}

// verbose: errors carry their schema, so a message can list the keys and words allowed there.
const ajv = new Ajv({ allErrors: true, strict: false, verbose: true });
const validators = new Map<string, ReturnType<typeof ajv.compile>>();
function validatorOf(key: string, schema: JsonSchema) {
  let v = validators.get(key);
  if (!v) {
    v = ajv.compile(schema);
    validators.set(key, v);
  }
  return v;
}

interface FileContext {
  file: string;
  /** How the file is named in messages (relative to the working directory). */
  shown: string;
  lines: LineCounter;
  problems: Array<{ at: SourcePos; message: string }>;
  /** runFlow chain, to refuse a flow that includes itself. */
  chain: string[];
}

function posOf(ctx: FileContext, node: YamlNode | Pair | null | undefined): SourcePos {
  const range = (node as { range?: [number, number, number] } | null)?.range ?? ((node as Pair | null)?.key as { range?: [number, number, number] } | undefined)?.range;
  const { line, col } = ctx.lines.linePos(range?.[0] ?? 0);
  return { file: ctx.shown, line, column: col };
}

function problem(ctx: FileContext, node: YamlNode | Pair | null | undefined, message: string): void {
  ctx.problems.push({ at: posOf(ctx, node), message });
}

/** The YAML node at a JSON pointer below `node` (for placing a schema error), or the deepest one found. */
function nodeAt(node: YamlNode | null, pointer: string): YamlNode | null {
  let current: YamlNode | null = node;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (isMap(current)) {
      const pair = current.items.find((p) => isScalar(p.key) && String(p.key.value) === key);
      if (!pair) return current;
      current = (pair.value as YamlNode | null) ?? (pair.key as YamlNode);
    } else if (isSeq(current)) {
      const item = current.items[Number(key)];
      if (!item) return current;
      current = item as YamlNode;
    } else return current;
  }
  return current;
}

function describeValue(value: unknown): string {
  return value === null ? 'nothing' : JSON.stringify(value);
}

/** One readable line per schema error, naming the allowed words. */
function explain(command: string, error: ErrorObject, value: unknown): string {
  const where = error.instancePath ? `'${command}${error.instancePath.replace(/\//g, '.')}'` : `'${command}'`;
  const p = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'enum':
      return `${where} takes ${(p.allowedValues as unknown[]).map((v) => String(v)).join(' | ')}, got ${describeValue(value)}`;
    case 'additionalProperties': {
      const parent = error.parentSchema as { properties?: Record<string, unknown> } | undefined;
      return `${where} has no key '${String(p.additionalProperty)}'; allowed: ${Object.keys(parent?.properties ?? {}).join(', ')}`;
    }
    case 'required':
      return `${where} needs '${String(p.missingProperty)}'`;
    case 'oneOfRequired':
      return `${where} needs ${String(p.missing)}`;
    case 'oneOf': {
      // Several branches matched: keys that exclude each other were both given.
      const keys = ((error.schema ?? []) as Array<{ required?: string[] }>).flatMap((b) => b.required ?? []);
      return keys.length > 0 ? `${where} takes ${keys.map((k) => `'${k}'`).join(' or ')}, not both` : `${where} ${error.message ?? 'is not valid'}`;
    }
    case 'type':
      return `${where} must be ${String(p.type)}, got ${describeValue(value)}`;
    case 'pattern': {
      const hint = (error.parentSchema as { description?: string } | undefined)?.description;
      return `${where} ${hint ? `must be ${hint}` : `must match ${String(p.pattern)}`}, got ${describeValue(value)}`;
    }
    default:
      return `${where} ${error.message ?? 'is not valid'}`;
  }
}

/** The errors worth showing: for an anyOf, the branch that matched the value's type best. */
function pickErrors(errors: ErrorObject[]): ErrorObject[] {
  const specific = errors.filter((e) => e.keyword !== 'anyOf' && e.keyword !== 'oneOf');
  if (specific.length === 0) return errors.slice(0, 1);
  // Prefer errors that are not about the value's type: they come from the branch whose type matched.
  const typed = specific.filter((e) => e.keyword !== 'type');
  let chosen = typed.length > 0 ? typed : specific;
  // "one of these keys" (a oneOf of required branches) reads as one line per oneOf, not one per branch.
  const byOneOf = new Map<string, ErrorObject[]>();
  for (const e of chosen) {
    const at = e.schemaPath.lastIndexOf('/oneOf/');
    if (e.keyword !== 'required' || at === -1) continue;
    const key = `${e.instancePath}|${e.schemaPath.slice(0, at)}`;
    byOneOf.set(key, [...(byOneOf.get(key) ?? []), e]);
  }
  for (const alternatives of byOneOf.values()) {
    if (alternatives.length < 2) continue;
    const missing = alternatives.map((e) => `'${String((e.params as { missingProperty: string }).missingProperty)}'`).join(' or ');
    const at = chosen.indexOf(alternatives[0]!);
    chosen = chosen.filter((e) => !alternatives.includes(e));
    chosen.splice(at, 0, { ...alternatives[0]!, keyword: 'oneOfRequired', params: { missing } });
  }
  const seen = new Set<string>();
  return chosen.filter((e) => {
    const key = `${e.instancePath}|${e.keyword}|${JSON.stringify(e.params)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function checkArg(ctx: FileContext, name: CommandName, spec: CommandSpec, nameNode: YamlNode | null, argNode: YamlNode | null, value: unknown): boolean {
  if (!spec.arg) {
    if (value !== null) {
      problem(ctx, argNode, `'${name}' takes no value (write it as \`- ${name}\`), got ${describeValue(value)}`);
      return false;
    }
    return true;
  }
  if (value === null) {
    if (spec.bare) return true;
    problem(ctx, nameNode, `'${name}' needs a value: ${spec.summary}`);
    return false;
  }
  const validate = validatorOf(name, spec.arg);
  if (validate(value)) return true;
  for (const error of pickErrors(validate.errors ?? [])) {
    let at = nodeAt(argNode, error.instancePath);
    if (error.keyword === 'additionalProperties' && isMap(at)) {
      const key = String((error.params as { additionalProperty: string }).additionalProperty);
      at = (at.items.find((p) => isScalar(p.key) && String(p.key.value) === key)?.key as YamlNode | undefined) ?? at;
    }
    const atValue = error.instancePath.split('/').slice(1).reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], value);
    problem(ctx, at, explain(name, error, atValue));
  }
  return false;
}

function parseSteps(ctx: FileContext, seq: YamlNode | null): Step[] {
  if (!isSeq(seq)) {
    problem(ctx, seq, `a flow is a list of commands (each line \`- command\` or \`- command: value\`); allowed commands: ${COMMAND_NAMES.join(', ')}`);
    return [];
  }
  const steps: Step[] = [];
  for (const item of seq.items as Array<YamlNode | null>) {
    let name: string;
    let argNode: YamlNode | null = null;
    let nameNode: YamlNode | null = item;
    if (isScalar(item) && typeof item.value === 'string') {
      name = item.value;
    } else if (isMap(item) && item.items.length === 1) {
      const pair = item.items[0]!;
      nameNode = pair.key as YamlNode;
      name = isScalar(pair.key) ? String(pair.key.value) : '';
      argNode = (pair.value as YamlNode | null) ?? null;
    } else {
      problem(ctx, item, `each list item is one command (\`- killApp\` or \`- send: {...}\`)${isMap(item) ? `, this one has ${item.items.length} keys — indent the values under the command` : ''}`);
      continue;
    }
    if (!isCommandName(name)) {
      problem(ctx, nameNode, `unknown command '${name}'; allowed: ${COMMAND_NAMES.join(', ')}`);
      continue;
    }
    const spec: CommandSpec = COMMANDS[name];
    const value = argNode ? argNode.toJSON() : null;
    if (!checkArg(ctx, name, spec, nameNode, argNode, value)) continue;
    const step: Step = { command: name, arg: value, at: posOf(ctx, nameNode) };
    if (name === 'repeat') {
      const commands = isMap(argNode) ? (argNode.get('commands', true) as YamlNode | null) : null;
      step.steps = parseSteps(ctx, commands);
    } else if (name === 'runFlow') {
      step.steps = readSubflow(ctx, String(value), argNode);
    }
    steps.push(step);
  }
  return steps;
}

function readSubflow(ctx: FileContext, path: string, node: YamlNode | null): Step[] {
  const file = resolve(dirname(ctx.file), path);
  if (ctx.chain.includes(file)) {
    problem(ctx, node, `runFlow '${path}' includes itself (${[...ctx.chain, file].map((f) => relative(process.cwd(), f)).join(' → ')})`);
    return [];
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    problem(ctx, node, `runFlow: no flow file '${path}' (looked for ${relative(process.cwd(), file) || file})`);
    return [];
  }
  const sub = parseFlowText(text, file, [...ctx.chain, file]);
  ctx.problems.push(...sub.problems);
  return sub.flow?.steps ?? [];
}

function requirementsOf(steps: Step[], into = new Set<SpecRequirement>()): Set<SpecRequirement> {
  for (const step of steps) {
    into.add(COMMANDS[step.command].requires);
    if (step.command === 'phone' && step.arg === 'B') into.add('two-phones');
    if (step.steps) requirementsOf(step.steps, into);
  }
  return into;
}

function parseFlowText(text: string, file: string, chain: string[]): { flow?: Flow; problems: FileContext['problems'] } {
  const lines = new LineCounter();
  const ctx: FileContext = { file, shown: relative(process.cwd(), file) || file, lines, problems: [], chain };
  const docs = parseAllDocuments(text, { lineCounter: lines, prettyErrors: false }) as Document[] | { errors: unknown[] };
  if (!Array.isArray(docs)) {
    ctx.problems.push({ at: { file: ctx.shown, line: 1, column: 1 }, message: 'not a YAML stream' });
    return { problems: ctx.problems };
  }
  for (const doc of docs) {
    for (const error of doc.errors) {
      const { line, col } = lines.linePos(error.pos[0]);
      ctx.problems.push({ at: { file: ctx.shown, line, column: col }, message: `YAML: ${error.message.split('\n')[0]}` });
    }
  }
  if (ctx.problems.length > 0) return { problems: ctx.problems };
  if (docs.length === 0 || docs.length > 2) {
    ctx.problems.push({ at: { file: ctx.shown, line: 1, column: 1 }, message: 'a flow is a list of commands, optionally after a header document (`name: ...` then `---`)' });
    return { problems: ctx.problems };
  }
  const header = docs.length === 2 ? docs[0]! : undefined;
  const body = docs.at(-1)!;
  let name = relative(process.cwd(), file);
  if (header) {
    const value = header.toJSON() as unknown;
    const validate = validatorOf('header', HEADER_SCHEMA);
    if (!validate(value ?? {})) {
      for (const error of pickErrors(validate.errors ?? [])) problem(ctx, nodeAt(header.contents as YamlNode, error.instancePath), explain('header', error, value));
    } else if (typeof (value as { name?: unknown } | null)?.name === 'string') name = (value as { name: string }).name;
  }
  const steps = parseSteps(ctx, body.contents as YamlNode | null);
  return { flow: { file, name, steps, requires: [...requirementsOf(steps)] }, problems: ctx.problems };
}

/** Parses one flow; throws a FlowError listing every problem (file:line:column: message). */
export function parseFlow(text: string, file: string): Flow {
  const abs = resolve(file);
  const { flow, problems } = parseFlowText(text, abs, [abs]);
  if (problems.length > 0 || !flow) throw new FlowError(problems);
  return flow;
}

export function readFlow(file: string): Flow {
  return parseFlow(readFileSync(file, 'utf8'), file);
}
