/**
 * Touch, keys and screen orientation. The phone owns what a gesture does (harness/phone/input/touch.ts
 * turns W3C actions into gestures, the phone's `touch` runs them); the driver only resolves element
 * origins, which it alone knows, and maps the phone's refusals to WebDriver errors.
 */
import { errors } from 'appium/driver.js';
import type { ActionSequence, Orientation } from '@appium/types';
import { nodeCenter } from '../../../phone/ui/attributes.ts';
import { gesturesOf, touchSettings, type ActionSequence as PhoneActionSequence } from '../../../phone/input/touch.ts';
import type { VirtualOppoDriver } from '../driver.ts';
import { asProtocolError } from '../phone-errors.ts';

const KEY_BACK = 4;


export async function performActions(this: VirtualOppoDriver, actions: ActionSequence[]): Promise<void> {
  const info = await this.phone.deviceInfo();
  const screen = await this.phone.uiTree();
  try {
    const gestures = await gesturesOf(actions as unknown as PhoneActionSequence[], touchSettings(Number(info.apiVersion), info.displayDensity), (elementId) => {
      return nodeCenter(this.liveNode(screen, elementId).node);
    });
    for (const gesture of gestures) await this.phone.touch(gesture);
  } catch (err) {
    throw asProtocolError(err);
  }
}

/** Every pointer lifts at the end of performActions, so nothing is left pressed. */
export async function releaseActions(this: VirtualOppoDriver): Promise<void> {}

export async function back(this: VirtualOppoDriver): Promise<void> {
  await this.phone.pressKey(KEY_BACK);
}

export async function getOrientation(this: VirtualOppoDriver): Promise<Orientation> {
  return await this.phone.orientation();
}

export async function setOrientation(this: VirtualOppoDriver, orientation: Orientation): Promise<void> {
  const wanted = String(orientation).toUpperCase();
  if (wanted !== 'PORTRAIT' && wanted !== 'LANDSCAPE') throw new errors.InvalidArgumentError(`orientation must be PORTRAIT or LANDSCAPE, got ${JSON.stringify(orientation)}`);
  await this.phone.setOrientation(wanted);
}

/** A native-only phone: no web views, so the one context is NATIVE_APP (what Inspector lists). */
export const NATIVE_APP = 'NATIVE_APP';

export async function getContexts(this: VirtualOppoDriver): Promise<string[]> {
  return [NATIVE_APP];
}

export async function getCurrentContext(this: VirtualOppoDriver): Promise<string> {
  return NATIVE_APP;
}

export async function setContext(this: VirtualOppoDriver, name: string | null): Promise<void> {
  if (name !== null && name !== NATIVE_APP) throw new errors.NoSuchContextError(`the virtual phone has no context '${name}'; it has only ${NATIVE_APP}`);
}
