/**
 * The JSON Schema of a flow file's command list, built from the command table, for editors (the
 * YAML language server autocompletes and checks a file that names it). `flows/flow.schema.json` is
 * this, written out; a test keeps the two equal.
 */
import { COMMANDS, type CommandSpec } from './commands.ts';

export const SCHEMA_ID = 'https://oppo-push-harness.local/flow.schema.json';

export function flowSchema(): Record<string, unknown> {
  const items = Object.entries(COMMANDS as Record<string, CommandSpec>).flatMap(([name, spec]) => {
    const asObject = spec.arg
      ? [{ type: 'object', description: spec.summary, properties: { [name]: spec.arg }, required: [name], additionalProperties: false }]
      : [];
    const asWord = !spec.arg || spec.bare ? [{ const: name, description: spec.summary }] : [];
    return [...asWord, ...asObject];
  });
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: SCHEMA_ID,
    title: 'oppo-push-harness flow',
    description: 'A push flow: a list of commands, one per line (see README "Write a flow"). A header document (name, tags) may come first, before ---.',
    type: 'array',
    items: { anyOf: items },
  };
}

export function flowSchemaText(): string {
  return `${JSON.stringify(flowSchema(), null, 2)}\n`;
}
