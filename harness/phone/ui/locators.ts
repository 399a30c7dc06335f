/**
 * The phone's locator engine: UiAutomator2's strategies over one screen tree. xpath runs over the
 * same XML the page source shows; id, accessibility id and class name compare the node fields;
 * `-android uiautomator` is the UiSelector subset. Every front (the VirtualOppo driver, the
 * UiAutomator2 server facade) finds through here, so a locator matches the same nodes on both.
 */
import xpath from 'xpath';
import type { UiNode } from '../api.ts';
import { InvalidSelectorError } from '../errors.ts';
import { buildSourceDocument, walk, type SourceElement } from './source.ts';
import { matchUiSelector, parseUiSelector } from './uiselector.ts';

export const LOCATOR_STRATEGIES = ['xpath', 'id', 'accessibility id', 'class name', '-android uiautomator'] as const;

export type LocatorStrategy = (typeof LOCATOR_STRATEGIES)[number];

export interface LocateOptions {
  /** The screen size the page source's `<hierarchy>` carries (xpath can read it). */
  size: { width: number; height: number };
  /** Search below this node only (a W3C element context); the node itself never matches. */
  context?: UiNode;
  /**
   * The package a bare id (`login_btn`) is qualified with (`<pkg>:id/login_btn`), as UiA2 does with
   * the app under test; absent: the id is compared as given.
   */
  idPackage?: string;
}

export function isLocatorStrategy(strategy: string): strategy is LocatorStrategy {
  return (LOCATOR_STRATEGIES as readonly string[]).includes(strategy);
}

/** A full resource id (`pkg:type/name`), which UiA2 never rewrites. */
export function isFullResourceId(id: string): boolean {
  return /^[a-zA-Z_][a-zA-Z0-9._]*:[^/]+\/\S+$/.test(id);
}

/** The id UiA2 looks for: a full id stays, a bare name gets the package. */
export function qualifyResourceId(id: string, idPackage: string | undefined): string {
  return isFullResourceId(id) || !idPackage ? id : `${idPackage}:id/${id}`;
}

function byXpath(selector: string, screen: UiNode, size: LocateOptions['size'], context?: UiNode): UiNode[] {
  const source = buildSourceDocument(screen, size);
  const from = context ? source.elementOf(context.id) : source.root;
  let result: xpath.SelectReturnType;
  try {
    result = xpath.select(selector, from as unknown as Node);
  } catch (err) {
    throw new InvalidSelectorError(`invalid xpath '${selector}': ${(err as Error).message}`);
  }
  if (!Array.isArray(result)) {
    throw new InvalidSelectorError(`the xpath '${selector}' must select elements, it yields ${typeof result}`);
  }
  return result.flatMap((hit) => source.nodeOf(hit as SourceElement) ?? []);
}

/** The nodes `selector` matches on `screen`, in document order (the order UiA2 returns them in). */
export function locate(screen: UiNode, strategy: string, selector: string, options: LocateOptions): UiNode[] {
  const { context } = options;
  const scope = context ?? screen;
  const among = (test: (node: UiNode) => boolean) => [...walk(scope)].map((h) => h.node).filter((n) => n !== context && test(n));
  switch (strategy) {
    case 'xpath':
      return byXpath(selector, screen, options.size, context);
    case 'id': {
      const id = qualifyResourceId(selector, options.idPackage);
      return among((n) => n.resourceId === id);
    }
    case 'accessibility id':
      return among((n) => n.contentDesc === selector);
    case 'class name':
      return among((n) => n.className === selector);
    case '-android uiautomator':
      return matchUiSelector(parseUiSelector(selector), scope, !context);
    default:
      throw new InvalidSelectorError(`the locator strategy '${strategy}' is not supported; use one of ${LOCATOR_STRATEGIES.join(', ')}`);
  }
}
