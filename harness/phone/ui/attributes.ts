/**
 * Element attributes as UiAutomator2 answers getAttribute: the page source's attribute names (read
 * from `nodeAttributes`, so an attribute and the source never disagree), UiA2's aliases, and the
 * element rectangle.
 */
import type { UiNode } from '../api.ts';
import { NoSuchAttributeError } from '../errors.ts';
import { nodeAttributes, SOURCE_ATTRIBUTES, type SourceAttribute } from './source.ts';

/** UiA2 also answers to these spellings (the server's `Attribute` aliases; `name` is the text). */
const ATTRIBUTE_ALIASES: Record<string, SourceAttribute> = {
  className: 'class',
  resourceId: 'resource-id',
  contentDescription: 'content-desc',
  longClickable: 'long-clickable',
  name: 'text',
};

const SUPPORTED = [...SOURCE_ATTRIBUTES, ...Object.keys(ATTRIBUTE_ALIASES)];

/** `index` is the node's position among its siblings (what the source shows). */
export function attributeOf(node: UiNode, index: number, name: string): string {
  const key = ATTRIBUTE_ALIASES[name] ?? name;
  if (!(SOURCE_ATTRIBUTES as readonly string[]).includes(key)) throw new NoSuchAttributeError(name, SUPPORTED);
  return nodeAttributes(node, index)[key as SourceAttribute];
}

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export function nodeRect(node: UiNode): Rect {
  const [left, top, right, bottom] = node.bounds;
  return { x: left, y: top, width: right - left, height: bottom - top };
}

/** Where a tap on the element lands (its centre), as UiA2 clicks an element. */
export function nodeCenter(node: UiNode): { x: number; y: number } {
  const { x, y, width, height } = nodeRect(node);
  return { x: Math.round(x + width / 2), y: Math.round(y + height / 2) };
}
