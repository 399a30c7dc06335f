/**
 * Element finding against the phone's current screen, with UiAutomator2's strategies: xpath over
 * the same XML the page source shows, resource id, content-desc, class name and UiSelector.
 */
import { errors } from 'appium/driver.js';
import { util } from 'appium/support.js';
import type { Element } from '@appium/types';
import type { UiNode } from '../../../phone/api.ts';
import { buildSourceDocument } from '../../../phone/ui/source.ts';
import { isFullResourceId, LOCATOR_STRATEGIES, locate } from '../../../phone/ui/locators.ts';
import type { VirtualOppoDriver } from '../driver.ts';
import { asProtocolError } from '../phone-errors.ts';

export { LOCATOR_STRATEGIES };

async function queryNodes(this: VirtualOppoDriver, strategy: string, selector: string, contextId?: string): Promise<UiNode[]> {
  const screen = await this.phone.uiTree();
  const context = contextId ? this.liveNode(screen, contextId).node : undefined;
  // Like UiA2: a bare id (`login_btn`) means the app under test's `<package>:id/login_btn`.
  const idPackage = strategy === 'id' && !isFullResourceId(selector) ? (this.appPackage ?? (await this.phone.currentPackage()) ?? undefined) : undefined;
  try {
    return locate(screen, strategy, selector, { size: await this.screenSize(), ...(context && { context }), ...(idPackage && { idPackage }) });
  } catch (err) {
    throw asProtocolError(err);
  }
}

export async function findElOrEls(
  this: VirtualOppoDriver,
  strategy: string,
  selector: string,
  mult: boolean,
  context?: string,
): Promise<Element | Element[]> {
  let hits = await queryNodes.call(this, strategy, selector, context);
  if (hits.length === 0 && this.implicitWaitMs > 0) {
    // A failure while waiting (the lab went away, the context went stale) wins over "not found".
    let failure: unknown;
    try {
      await this.implicitWaitForCondition(async () => {
        try {
          hits = await queryNodes.call(this, strategy, selector, context);
        } catch (err) {
          failure = err;
          return true;
        }
        return hits.length > 0;
      });
    } catch {
      // timed out: nothing found
    }
    if (failure) throw failure;
  }
  if (mult) return hits.map((node) => this.elementFor(node));
  const [first] = hits;
  if (!first) throw new errors.NoSuchElementError(`no element matches ${strategy} '${selector}'`);
  return this.elementFor(first);
}

export async function getPageSource(this: VirtualOppoDriver): Promise<string> {
  return buildSourceDocument(await this.phone.uiTree(), await this.screenSize()).xml();
}

export function elementReference(id: string): Element {
  return { [util.W3C_WEB_ELEMENT_IDENTIFIER]: id } as Element;
}
