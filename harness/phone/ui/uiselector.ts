/**
 * The `-android uiautomator` locator: a documented subset of Android's UiSelector, parsed from the
 * Java-like text UiAutomator2 accepts (`new UiSelector().resourceId("android:id/title").text("Hi")`;
 * the `new UiSelector()` prefix may be left out, as UiA2 allows) and matched against the screen tree.
 *
 * Supported: text, textContains, textStartsWith, textMatches, resourceId, resourceIdMatches,
 * description, descriptionContains, className, packageName, index, instance, clickable, enabled,
 * selected, checked, childSelector. Anything else (UiScrollable, fromParent, ...) is an
 * InvalidSelectorError naming what is supported, never a silent mismatch.
 */
import type { UiNode } from '../api.ts';
import { InvalidSelectorError } from '../errors.ts';
import { walk } from './source.ts';

type Arg = string | number | boolean | Selector;
type Hit = { node: UiNode; index: number };

export interface Selector {
  criteria: Array<(hit: Hit) => boolean>;
  instance?: number;
  child?: Selector;
}

function fullMatch(pattern: string, selector: string): RegExp {
  try {
    return new RegExp(`^(?:${pattern})$`, 'su');
  } catch (err) {
    throw new InvalidSelectorError(`invalid regular expression ${JSON.stringify(pattern)} in '${selector}': ${(err as Error).message}`);
  }
}

type MethodSpec = { arg: 'string' | 'number' | 'boolean' | 'selector'; apply: (sel: Selector, arg: never, source: string) => void };

const on = (test: (hit: Hit, value: never) => boolean, arg: MethodSpec['arg']): MethodSpec => ({
  arg,
  apply: (sel, value) => sel.criteria.push((hit) => test(hit, value)),
});

const METHODS: Record<string, MethodSpec> = {
  text: on((h, v: string) => h.node.text === v, 'string'),
  textContains: on((h, v: string) => h.node.text.includes(v), 'string'),
  textStartsWith: on((h, v: string) => h.node.text.startsWith(v), 'string'),
  textMatches: {
    arg: 'string',
    apply: (sel, v: string, source) => {
      const re = fullMatch(v, source);
      sel.criteria.push((h) => re.test(h.node.text));
    },
  },
  resourceId: on((h, v: string) => h.node.resourceId === v, 'string'),
  resourceIdMatches: {
    arg: 'string',
    apply: (sel, v: string, source) => {
      const re = fullMatch(v, source);
      sel.criteria.push((h) => re.test(h.node.resourceId));
    },
  },
  description: on((h, v: string) => h.node.contentDesc === v, 'string'),
  descriptionContains: on((h, v: string) => h.node.contentDesc.includes(v), 'string'),
  className: on((h, v: string) => h.node.className === v, 'string'),
  packageName: on((h, v: string) => h.node.packageName === v, 'string'),
  index: on((h, v: number) => h.index === v, 'number'),
  clickable: on((h, v: boolean) => h.node.clickable === v, 'boolean'),
  enabled: on((h, v: boolean) => h.node.enabled === v, 'boolean'),
  selected: on((h, v: boolean) => h.node.selected === v, 'boolean'),
  checked: on((h, v: boolean) => h.node.checked === v, 'boolean'),
  instance: {
    arg: 'number',
    apply: (sel, v: number) => {
      sel.instance = v;
    },
  },
  childSelector: {
    arg: 'selector',
    apply: (sel, v: Selector) => {
      // chained childSelector calls nest: a.childSelector(b).childSelector(c) finds c inside b inside a
      let last = sel;
      while (last.child) last = last.child;
      last.child = v;
    },
  },
};

export const SUPPORTED_UISELECTOR_METHODS = Object.keys(METHODS);

class Parser {
  private pos = 0;
  constructor(private readonly source: string) {}

  fail(why: string): never {
    throw new InvalidSelectorError(
      `cannot use the UiSelector '${this.source}': ${why}. The phone supports new UiSelector() with ` +
        `${SUPPORTED_UISELECTOR_METHODS.join(', ')}`,
    );
  }

  private skipSpace(): void {
    while (/\s/.test(this.source[this.pos] ?? '')) this.pos++;
  }

  private eat(token: string): boolean {
    this.skipSpace();
    if (this.source.startsWith(token, this.pos)) {
      this.pos += token.length;
      return true;
    }
    return false;
  }

  private expect(token: string): void {
    if (!this.eat(token)) this.fail(`expected '${token}' at position ${this.pos}`);
  }

  private identifier(): string {
    this.skipSpace();
    const match = /^[A-Za-z_$][\w$]*/.exec(this.source.slice(this.pos));
    if (!match) this.fail(`expected a method name at position ${this.pos}`);
    this.pos += match[0].length;
    return match[0];
  }

  private string(): string {
    let out = '';
    this.pos++; // opening quote
    while (this.pos < this.source.length) {
      const c = this.source[this.pos++]!;
      if (c === '"') return out;
      if (c === '\\') {
        const next = this.source[this.pos++];
        out += next === 'n' ? '\n' : next === 't' ? '\t' : (next ?? '');
      } else out += c;
    }
    return this.fail('unterminated string');
  }

  private arg(): Arg {
    this.skipSpace();
    const rest = this.source.slice(this.pos);
    if (rest.startsWith('"')) return this.string();
    const literal = /^(-?\d+|true|false)\b/.exec(rest);
    if (literal) {
      this.pos += literal[0].length;
      return literal[0] === 'true' ? true : literal[0] === 'false' ? false : Number(literal[0]);
    }
    if (rest.startsWith('new ') || rest.startsWith('UiSelector')) return this.selector();
    return this.fail(`unexpected input at position ${this.pos}`);
  }

  private method(sel: Selector): void {
    const name = this.identifier();
    const spec = METHODS[name];
    if (!spec) this.fail(`the method '${name}' is not supported`);
    this.expect('(');
    const value = this.arg();
    this.expect(')');
    const kind = typeof value === 'object' ? 'selector' : typeof value;
    if (kind !== spec.arg) this.fail(`${name}() takes a ${spec.arg}, got ${JSON.stringify(value)}`);
    spec.apply(sel, value as never, this.source);
  }

  selector(): Selector {
    const sel: Selector = { criteria: [] };
    if (this.eat('new ')) {
      const cls = this.identifier();
      if (cls !== 'UiSelector') this.fail(`${cls} is not supported`);
      this.expect('(');
      this.expect(')');
    } else if (this.eat('UiSelector')) {
      this.expect('(');
      this.expect(')');
    } else {
      // UiA2 accepts a bare method chain such as `text("OK")`.
      this.method(sel);
    }
    while (this.eat('.')) this.method(sel);
    return sel;
  }

  parse(): Selector {
    const sel = this.selector();
    this.eat(';');
    this.skipSpace();
    if (this.pos < this.source.length) this.fail(`unexpected input at position ${this.pos}`);
    return sel;
  }
}

export function parseUiSelector(source: string): Selector {
  return new Parser(source).parse();
}

/** Matches in document order; with `includeScope` false only descendants of `scope` count. */
export function matchUiSelector(selector: Selector, scope: UiNode, includeScope = true): UiNode[] {
  let hits = [...walk(scope)].filter((hit) => (includeScope || hit.node !== scope) && selector.criteria.every((test) => test(hit)));
  if (selector.instance !== undefined) hits = hits.slice(selector.instance, selector.instance + 1);
  if (!selector.child) return hits.map((h) => h.node);
  const child = selector.child;
  return [...new Set(hits.flatMap((h) => matchUiSelector(child, h.node, false)))];
}
