/**
 * Touch input: W3C pointer action sequences (what Appium's `POST /actions` carries, and what the
 * UiAutomator2 server's `/actions` takes) turned into the strokes a finger makes, and each stroke
 * classified as Android's gesture detector would: a tap, a long press, or a swipe. Plain data, no
 * phone state: the phone decides what a gesture does (phone.ts `touch`).
 */
import { InvalidArgumentError } from '../errors.ts';

export interface Point {
  x: number;
  y: number;
}

export type Gesture =
  | { kind: 'tap'; at: Point }
  | { kind: 'longPress'; at: Point; durationMs: number }
  | { kind: 'swipe'; from: Point; to: Point; durationMs: number };

/** A W3C action sequence (one input source). */
export interface ActionSequence {
  type: string;
  id?: string;
  parameters?: { pointerType?: string };
  actions: Array<Record<string, unknown>>;
}

/** An action sequence the phone cannot perform. */
export class GestureError extends InvalidArgumentError {
  override name = 'GestureError';
}

export interface TouchSettings {
  /**
   * How long a still finger must stay down to be a long press: ViewConfiguration's
   * DEFAULT_LONG_PRESS_TIMEOUT, 400 ms since Android 12 (API 31), 500 ms before.
   */
  longPressMs: number;
  /** How far a finger may drift and still tap: ViewConfiguration's touch slop, 8 dp. */
  slopPx: number;
}

export function touchSettings(sdk: number, density: number): TouchSettings {
  return { longPressMs: sdk >= 31 ? 400 : 500, slopPx: Math.round((8 * density) / 160) };
}

/** A finger's path: where it went down, where it moved, when it lifted (virtual ms from the start). */
interface Stroke {
  points: Array<Point & { t: number }>;
  up?: number;
}

/** Resolves an element origin to the element's centre (the driver knows element ids, the phone does not). */
export type OriginResolver = (elementId: string) => Point | Promise<Point>;

const ELEMENT_KEYS = ['element-6066-11e4-a52e-4f735466cecf', 'ELEMENT'];

function numberOf(action: Record<string, unknown>, key: string, fallback?: number): number {
  const value = action[key] ?? fallback;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new GestureError(`action '${String(action.type)}' needs a numeric '${key}', got ${JSON.stringify(action[key])}`);
  return value;
}

function elementIdOf(origin: unknown): string | undefined {
  if (typeof origin !== 'object' || origin === null) return undefined;
  for (const key of ELEMENT_KEYS) {
    const id = (origin as Record<string, unknown>)[key];
    if (typeof id === 'string') return id;
  }
  return undefined;
}

/** The strokes one pointer sequence draws. */
async function strokesOf(sequence: ActionSequence, resolve: OriginResolver): Promise<Stroke[]> {
  const strokes: Stroke[] = [];
  let at: Point = { x: 0, y: 0 };
  let t = 0;
  let current: Stroke | undefined;
  for (const action of sequence.actions) {
    switch (action.type) {
      case 'pause':
        t += numberOf(action, 'duration', 0);
        break;
      case 'pointerMove': {
        const duration = numberOf(action, 'duration', 0);
        const x = numberOf(action, 'x', 0);
        const y = numberOf(action, 'y', 0);
        const origin = action.origin ?? 'viewport';
        const elementId = elementIdOf(origin);
        if (origin === 'viewport') at = { x, y };
        else if (origin === 'pointer') at = { x: at.x + x, y: at.y + y };
        else if (elementId) {
          const centre = await resolve(elementId);
          at = { x: centre.x + x, y: centre.y + y };
        } else throw new GestureError(`pointerMove origin must be 'viewport', 'pointer' or an element, got ${JSON.stringify(origin)}`);
        t += duration;
        current?.points.push({ ...at, t });
        break;
      }
      case 'pointerDown':
        if (current) throw new GestureError('pointerDown while the pointer is already down');
        current = { points: [{ ...at, t }] };
        break;
      case 'pointerUp':
        if (!current) throw new GestureError('pointerUp without a pointerDown');
        current.up = t;
        strokes.push(current);
        current = undefined;
        break;
      case 'pointerCancel':
        current = undefined;
        break;
      default:
        throw new GestureError(`pointer action '${String(action.type)}' is not supported (use pointerMove, pointerDown, pause, pointerUp)`);
    }
  }
  // A finger left down at the end lifts there: the phone has no pending-input state between calls.
  if (current) strokes.push({ ...current, up: t });
  return strokes;
}

function classify(stroke: Stroke, settings: TouchSettings): Gesture {
  const first = stroke.points[0]!;
  const last = stroke.points.at(-1)!;
  const durationMs = (stroke.up ?? last.t) - first.t;
  const drift = Math.max(...stroke.points.map((p) => Math.hypot(p.x - first.x, p.y - first.y)));
  if (drift > settings.slopPx) return { kind: 'swipe', from: { x: first.x, y: first.y }, to: { x: last.x, y: last.y }, durationMs };
  if (durationMs >= settings.longPressMs) return { kind: 'longPress', at: { x: first.x, y: first.y }, durationMs };
  return { kind: 'tap', at: { x: first.x, y: first.y } };
}

/**
 * The gestures a W3C `actions` payload makes, in order. One finger at a time: a payload with two
 * pointers down together (pinch, zoom) is refused, since no screen of the lab reacts to it.
 */
export async function gesturesOf(sequences: ActionSequence[], settings: TouchSettings, resolve: OriginResolver): Promise<Gesture[]> {
  if (!Array.isArray(sequences)) throw new GestureError("'actions' must be an array of input sources");
  const gestures: Gesture[] = [];
  let pointers = 0;
  for (const sequence of sequences) {
    if (!sequence || typeof sequence !== 'object' || !Array.isArray(sequence.actions)) throw new GestureError('every input source needs an "actions" array');
    if (sequence.type === 'none') continue;
    if (sequence.type === 'key') {
      if (sequence.actions.some((a) => a.type !== 'pause')) throw new GestureError('key actions are not supported on the virtual phone; use setValue or mobile: pressKey');
      continue;
    }
    if (sequence.type !== 'pointer') throw new GestureError(`input source type '${sequence.type}' is unknown`);
    const strokes = await strokesOf(sequence, resolve);
    if (strokes.length > 0 && ++pointers > 1) throw new GestureError('multi-touch (two pointers in one actions call) is not modelled by the virtual phone');
    for (const stroke of strokes) gestures.push(classify(stroke, settings));
  }
  return gestures;
}
