/**
 * Element finding against the phone's current screen, with UiAutomator2's strategies: xpath over
 * the same XML the page source shows, resource id, content-desc, class name and UiSelector.
 */
import { errors } from 'appium/driver.js';
import { util } from 'appium/support.js';
import type { Element } from '@appium/types';
import xpath from 'xpath';
import type { UiNode } from '../../../phone/api.ts';
import type { VirtualOppoDriver } from '../driver.ts';
import { buildSourceDocument, walk } from '../source.ts';
import type { SourceElement } from '../source.ts';
import { matchUiSelector, parseUiSelector } from '../uiselector.ts';

export const LOCATOR_STRATEGIES = ['xpath', 'id', 'accessibility id', 'class name', '-android uiautomator'];

function byXpath(selector: string, screen: UiNode, size: { width: number; height: number }, context?: UiNode): UiNode[] {
  const source = buildSourceDocument(screen, size);
  const from = context ? source.elementOf(context.id) : source.root;
  let result: xpath.SelectReturnType;
  try {
    result = xpath.select(selector, from as unknown as Node);
  } catch (err) {
    throw new errors.InvalidSelectorError(`invalid xpath '${selector}': ${(err as Error).message}`);
  }
  if (!Array.isArray(result)) {
    throw new errors.InvalidSelectorError(`the xpath '${selector}' must select elements, it yields ${typeof result}`);
  }
  return result.flatMap((hit) => source.nodeOf(hit as SourceElement) ?? []);
}

/** Like UiA2: a bare id (`login_btn`) means the app under test's `<package>:id/login_btn`. */
async function fullResourceId(this: VirtualOppoDriver, id: string): Promise<string> {
  if (id.includes(':id/')) return id;
  const pkg = this.appPackage ?? (await this.phone.currentPackage());
  return pkg ? `${pkg}:id/${id}` : id;
}

async function queryNodes(this: VirtualOppoDriver, strategy: string, selector: string, contextId?: string): Promise<UiNode[]> {
  const screen = await this.phone.uiTree();
  const context = contextId ? this.liveNode(screen, contextId).node : undefined;
  const scope = context ?? screen;
  const among = (test: (node: UiNode) => boolean) => [...walk(scope)].map((h) => h.node).filter((n) => n !== context && test(n));
  switch (strategy) {
    case 'xpath':
      return byXpath(selector, screen, await this.screenSize(), context);
    case 'id': {
      const id = await fullResourceId.call(this, selector);
      return among((n) => n.resourceId === id);
    }
    case 'accessibility id':
      return among((n) => n.contentDesc === selector);
    case 'class name':
      return among((n) => n.className === selector);
    case '-android uiautomator':
      return matchUiSelector(parseUiSelector(selector), scope, !context);
    default:
      throw new errors.InvalidSelectorError(`the locator strategy '${strategy}' is not supported; use one of ${LOCATOR_STRATEGIES.join(', ')}`);
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
