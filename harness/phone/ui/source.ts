/**
 * The phone's screen as UiAutomator2 renders it: an XML `<hierarchy>` whose elements are named
 * after the Android class and carry UiA2's attribute names and value formats. The page source,
 * xpath lookups and getAttribute of every front (the VirtualOppo driver, the UiAutomator2 server
 * facade) read the attributes from here, so they cannot disagree.
 */
import { DOMImplementation, XMLSerializer } from '@xmldom/xmldom';
import type { UiNode } from '../api.ts';

/** UiA2's attribute names in UiA2's order. */
export const SOURCE_ATTRIBUTES = [
  'index',
  'package',
  'class',
  'text',
  'resource-id',
  'checkable',
  'checked',
  'clickable',
  'enabled',
  'focusable',
  'focused',
  'long-clickable',
  'password',
  'scrollable',
  'selected',
  'bounds',
  'displayed',
  'content-desc',
] as const;

export type SourceAttribute = (typeof SOURCE_ATTRIBUTES)[number];

function boundsString([left, top, right, bottom]: UiNode['bounds']): string {
  return `[${left},${top}][${right},${bottom}]`;
}

/** The attribute values of one node; `index` is its position among its siblings. */
export function nodeAttributes(node: UiNode, index: number): Record<SourceAttribute, string> {
  return {
    index: String(index),
    package: node.packageName,
    class: node.className,
    text: node.text,
    'resource-id': node.resourceId,
    checkable: String(node.checkable),
    checked: String(node.checked),
    clickable: String(node.clickable),
    enabled: String(node.enabled),
    focusable: String(node.focusable),
    focused: String(node.focused),
    'long-clickable': String(node.longClickable),
    password: String(node.password),
    scrollable: String(node.scrollable),
    selected: String(node.selected),
    bounds: boundsString(node.bounds),
    displayed: String(node.displayed),
    'content-desc': node.contentDesc,
  };
}

/** XML names cannot hold `$` (inner classes) and friends; UiA2 substitutes them the same way. */
function tagName(className: string): string {
  const name = className.replace(/[^A-Za-z0-9_.-]/g, '_');
  return /^[A-Za-z_]/.test(name) ? name : `_${name}`;
}

/** Opaque DOM element handle: what xpath hands back. */
export type SourceElement = object;

export interface SourceDocument {
  /** The document node, to evaluate xpath against. */
  readonly root: object;
  /** The screen node behind a DOM element xpath returned. */
  nodeOf(element: SourceElement): UiNode | undefined;
  /** The DOM element of a screen node, to evaluate a relative xpath from. */
  elementOf(nodeId: string): SourceElement | undefined;
  xml(): string;
}

export function buildSourceDocument(screen: UiNode, size: { width: number; height: number }): SourceDocument {
  const document = new DOMImplementation().createDocument(null, 'hierarchy', null);
  const hierarchy = document.documentElement!;
  for (const [name, value] of [
    ['index', '0'],
    ['class', 'hierarchy'],
    ['rotation', '0'],
    ['width', String(size.width)],
    ['height', String(size.height)],
  ]) {
    hierarchy.setAttribute(name!, value!);
  }
  const nodes = new Map<SourceElement, UiNode>();
  const elements = new Map<string, SourceElement>();
  const append = (parent: typeof hierarchy, node: UiNode, index: number) => {
    const element = document.createElement(tagName(node.className));
    for (const [name, value] of Object.entries(nodeAttributes(node, index))) element.setAttribute(name, value);
    parent.appendChild(element);
    nodes.set(element, node);
    elements.set(node.id, element);
    node.children.forEach((child, i) => append(element, child, i));
  };
  append(hierarchy, screen, 0);
  return {
    root: document,
    nodeOf: (element) => nodes.get(element),
    elementOf: (nodeId) => elements.get(nodeId),
    xml: () => `<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n${new XMLSerializer().serializeToString(document)}`,
  };
}

/** Depth-first, document order (the order UiA2 returns matches in). */
export function* walk(node: UiNode, index = 0): Generator<{ node: UiNode; index: number }> {
  yield { node, index };
  for (const [i, child] of node.children.entries()) yield* walk(child, i);
}

export function findNode(screen: UiNode, nodeId: string): { node: UiNode; index: number } | undefined {
  for (const hit of walk(screen)) if (hit.node.id === nodeId) return hit;
  return undefined;
}
