/** Element commands. Each reads the element fresh from the phone, so a vanished node is stale. */
import { errors } from 'appium/driver.js';
import type { Rect } from '@appium/types';
import type { UiNode } from '../../../phone/api.ts';
import type { VirtualOppoDriver } from '../driver.ts';
import { nodeAttributes, SOURCE_ATTRIBUTES } from '../source.ts';
import type { SourceAttribute } from '../source.ts';

/** UiA2 also answers to these spellings. */
const ATTRIBUTE_ALIASES: Record<string, SourceAttribute> = {
  className: 'class',
  resourceId: 'resource-id',
  contentDescription: 'content-desc',
  longClickable: 'long-clickable',
};

async function current(this: VirtualOppoDriver, elementId: string): Promise<{ node: UiNode; index: number }> {
  return this.liveNode(await this.phone.uiTree(), elementId);
}

export async function click(this: VirtualOppoDriver, elementId: string): Promise<void> {
  const { node } = await current.call(this, elementId);
  await this.phone.tap(node.id);
}

export async function getText(this: VirtualOppoDriver, elementId: string): Promise<string> {
  return (await current.call(this, elementId)).node.text;
}

/** The W3C tag name; UiA2 answers with the Android class. */
export async function getName(this: VirtualOppoDriver, elementId: string): Promise<string> {
  return (await current.call(this, elementId)).node.className;
}

export async function getAttribute(this: VirtualOppoDriver, name: string, elementId: string): Promise<string | null> {
  const { node, index } = await current.call(this, elementId);
  const attributes = nodeAttributes(node, index);
  // UiA2's `name` is the content-desc, or the text when there is none
  if (name === 'name') return node.contentDesc || node.text;
  const key = ATTRIBUTE_ALIASES[name] ?? name;
  if (!(SOURCE_ATTRIBUTES as readonly string[]).includes(key)) {
    throw new errors.InvalidArgumentError(
      `This element does not have the '${name}' attribute (supported: ${[...SOURCE_ATTRIBUTES, 'name', ...Object.keys(ATTRIBUTE_ALIASES)].join(', ')})`,
    );
  }
  return attributes[key as SourceAttribute];
}

export async function elementDisplayed(this: VirtualOppoDriver, elementId: string): Promise<boolean> {
  return (await current.call(this, elementId)).node.displayed;
}

export async function elementEnabled(this: VirtualOppoDriver, elementId: string): Promise<boolean> {
  return (await current.call(this, elementId)).node.enabled;
}

export async function elementSelected(this: VirtualOppoDriver, elementId: string): Promise<boolean> {
  return (await current.call(this, elementId)).node.selected;
}

export async function getElementRect(this: VirtualOppoDriver, elementId: string): Promise<Rect> {
  const [left, top, right, bottom] = (await current.call(this, elementId)).node.bounds;
  return { x: left, y: top, width: right - left, height: bottom - top };
}

/** Replaces the text, as UiA2's set-text does. */
export async function setValue(this: VirtualOppoDriver, text: string | string[], elementId: string): Promise<void> {
  const { node } = await current.call(this, elementId);
  await this.phone.setText(node.id, Array.isArray(text) ? text.join('') : String(text));
}

export async function clear(this: VirtualOppoDriver, elementId: string): Promise<void> {
  const { node } = await current.call(this, elementId);
  await this.phone.setText(node.id, '');
}
