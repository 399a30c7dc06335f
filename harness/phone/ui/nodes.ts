/**
 * Screens are small declarative trees of view specs; `renderWindow` lays them out (a vertical stack,
 * enough for xpath, bounds and screenshots) into `UiNode`s and collects what tapping or typing
 * into each node does. Node ids are paths of stable keys, so an id survives re-rendering as long
 * as the thing it shows exists.
 */
import type { UiNode } from '../api.ts';

export type Action = () => Promise<void> | void;

export type SwipeDirection = 'left' | 'right' | 'up' | 'down';
/** What a swipe starting on a node does; false: the node does not take that swipe (its parent may). */
export type SwipeAction = (direction: SwipeDirection) => boolean | Promise<boolean>;

export interface ViewSpec {
  /** `TextView` → `android.widget.TextView`; a dotted name is kept as is. */
  cls: string;
  /** The node id segment; defaults to the resource id's entry name, then class and index. */
  key?: string;
  resourceId?: string;
  text?: string;
  desc?: string;
  clickable?: boolean;
  scrollable?: boolean;
  password?: boolean;
  /** Extra height in rows for a leaf (e.g. a notification row's text). */
  rows?: number;
  onTap?: Action;
  onLongTap?: Action;
  onSwipe?: SwipeAction;
  onSetText?: (text: string) => Promise<void> | void;
  children?: ViewSpec[];
}

export interface NodeActions {
  tap?: Action;
  longTap?: Action;
  swipe?: SwipeAction;
  setText?: (text: string) => Promise<void> | void;
}

export interface Rendered {
  node: UiNode;
  actions: Map<string, NodeActions>;
  parents: Map<string, string>;
}

export interface Frame {
  left: number;
  top: number;
  right: number;
  bottom: number;
  /** Height of one row of content in px. */
  row: number;
  /** Visible screen height: nodes below it are not displayed. */
  screenBottom: number;
}

export function className(cls: string): string {
  return cls.includes('.') ? cls : `android.widget.${cls}`;
}

export function renderWindow(spec: ViewSpec, packageName: string, idPrefix: string, frame: Frame): Rendered {
  const out: Rendered = { node: undefined as unknown as UiNode, actions: new Map(), parents: new Map() };
  const [node] = layout(spec, packageName, idPrefix, frame.left, frame.top, frame, out, true);
  out.node = node;
  return out;
}

function layout(
  spec: ViewSpec,
  pkg: string,
  id: string,
  left: number,
  top: number,
  frame: Frame,
  out: Rendered,
  fill = false,
): [UiNode, number] {
  const pad = Math.round(frame.row / 6);
  const children: UiNode[] = [];
  let y = top + (spec.children?.length ? pad : 0);
  (spec.children ?? []).forEach((child, i) => {
    const childId = `${id}/${child.key ?? child.resourceId?.split('/').pop() ?? `${child.cls.split('.').pop()}${i}`}`;
    const [node, bottom] = layout(child, pkg, childId, left + pad, y, { ...frame, right: frame.right - pad }, out);
    out.parents.set(childId, id);
    children.push(node);
    y = bottom;
  });
  const height = spec.children?.length ? y - top + pad : frame.row * (spec.rows ?? 1);
  const bottom = fill ? frame.bottom : top + height;
  if (spec.onTap || spec.onSetText || spec.onLongTap || spec.onSwipe) {
    out.actions.set(id, {
      ...(spec.onTap ? { tap: spec.onTap } : {}),
      ...(spec.onLongTap ? { longTap: spec.onLongTap } : {}),
      ...(spec.onSwipe ? { swipe: spec.onSwipe } : {}),
      ...(spec.onSetText ? { setText: spec.onSetText } : {}),
    });
  }
  const editable = spec.onSetText !== undefined;
  const node: UiNode = {
    id,
    className: className(spec.cls),
    resourceId: spec.resourceId ?? '',
    text: spec.text ?? '',
    contentDesc: spec.desc ?? '',
    packageName: pkg,
    bounds: [left, top, frame.right, bottom],
    checkable: false,
    checked: false,
    clickable: spec.clickable ?? spec.onTap !== undefined,
    enabled: true,
    focusable: editable || spec.onTap !== undefined,
    focused: false,
    longClickable: spec.onLongTap !== undefined,
    password: spec.password ?? false,
    scrollable: spec.scrollable ?? false,
    selected: false,
    displayed: top < frame.screenBottom,
    children,
  };
  return [node, bottom];
}

/** The deepest displayed node under a point (the one a finger lands on), or undefined off the window. */
export function nodeAt(root: UiNode, x: number, y: number): UiNode | undefined {
  const inside = (n: UiNode) => n.displayed && x >= n.bounds[0] && x < n.bounds[2] && y >= n.bounds[1] && y < n.bounds[3];
  if (!inside(root)) return undefined;
  let hit = root;
  for (let next = hit.children.findLast(inside); next; next = next.children.findLast(inside)) hit = next;
  return hit;
}
