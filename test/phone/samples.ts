/**
 * Output samples in fixtures/shell/: Android's text formats, each file composed from a documented
 * source named in its `#` header lines. Placeholders: `{n}` digits, `{hex}` hex digits, `{*}` any
 * text. A command's output matches a sample when the sample's lines appear in it, in order.
 */
import { readFileSync } from 'node:fs';

const FIXTURES = new URL('../../fixtures/shell/', import.meta.url);

export function sampleLines(name: string): string[] {
  const text = readFileSync(new URL(name, FIXTURES), 'utf8');
  const lines = text.split('\n');
  if (!lines[0]?.startsWith('# source:')) throw new Error(`fixtures/shell/${name} must start with a '# source:' line`);
  return lines.filter((l) => !l.startsWith('#') && l !== '');
}

function lineRegex(template: string): RegExp {
  const parts = template.split(/(\{n\}|\{hex\}|\{\*\})/);
  const source = parts
    .map((p) => (p === '{n}' ? '-?\\d+' : p === '{hex}' ? '[0-9a-f]+' : p === '{*}' ? '.+' : p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`);
}

/** Undefined when `output` holds every sample line in order; otherwise the first sample line not found. */
export function missingSampleLine(output: string, name: string): string | undefined {
  const got = output.split('\n');
  let at = 0;
  for (const template of sampleLines(name)) {
    const re = lineRegex(template);
    while (at < got.length && !re.test(got[at]!)) at++;
    if (at === got.length) return template;
    at++;
  }
  return undefined;
}
