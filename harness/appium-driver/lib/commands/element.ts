/** Element commands. Each reads the element fresh from the phone, so a vanished node is stale. */
import { errors } from 'appium/driver.js';
import type { Rect } from '@appium/types';
import type { UiNode } from '../../../phone/api.ts';
import type { VirtualOppoDriver } from '../driver.ts';
import { attributeOf, nodeRect } from '../../../phone/ui/attributes.ts';
import { asProtocolError } from '../phone-errors.ts';

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
  try {
    return attributeOf(node, index, name);
  } catch (err) {
    throw asProtocolError(err);
  }
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
  return nodeRect((await current.call(this, elementId)).node);
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
