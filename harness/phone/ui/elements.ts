/**
 * A session's element references, as a front hands them out: one id per screen node (the same node
 * keeps the same id), resolved against the current screen when the element is used, so a node that
 * left the screen is stale. The VirtualOppo driver and the UiAutomator2 server facade both keep
 * one of these per session.
 */
import { randomUUID } from 'node:crypto';
import type { UiNode } from '../api.ts';
import { NoSuchElementError, StaleNodeError } from '../errors.ts';
import { findNode } from './source.ts';

export class ElementRefs {
  private readonly nodeOfElement = new Map<string, string>();
  private readonly elementOfNode = new Map<string, string>();

  /** The element id of a screen node. */
  idFor(node: UiNode): string {
    let id = this.elementOfNode.get(node.id);
    if (!id) {
      id = randomUUID();
      this.elementOfNode.set(node.id, id);
      this.nodeOfElement.set(id, node.id);
    }
    return id;
  }

  /** The node behind an element id on `screen` (with its index among its siblings), or why there is none. */
  resolve(screen: UiNode, elementId: string): { node: UiNode; index: number } {
    const nodeId = this.nodeOfElement.get(elementId);
    if (!nodeId) throw new NoSuchElementError(`no element with id '${elementId}' was found in this session`);
    const hit = findNode(screen, nodeId);
    if (!hit) throw new StaleNodeError(nodeId, `the element '${elementId}' is no longer on the phone's screen`);
    return hit;
  }

  clear(): void {
    this.nodeOfElement.clear();
    this.elementOfNode.clear();
  }
}
