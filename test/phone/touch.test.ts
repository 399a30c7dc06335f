/**
 * Touch and screen on the device model: W3C actions become taps, long presses and swipes; a swipe
 * down from the status bar opens the shade, a sideways swipe dismisses a row, a swipe up closes the
 * shade; rotation swaps the window; screenshots draw every node's text.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PNG } from 'pngjs';
import type { UiNode } from '../../harness/phone/api.ts';
import { gesturesOf, touchSettings, type ActionSequence } from '../../harness/phone/input/touch.ts';
import { bootPhone, findNode, loginThroughUi, PKG } from './fakes.ts';

const SETTINGS = touchSettings(34, 480);
const finger = (actions: ActionSequence['actions']): ActionSequence[] => [{ type: 'pointer', id: 'finger1', parameters: { pointerType: 'touch' }, actions }];
const centre = (n: UiNode) => ({ x: Math.round((n.bounds[0] + n.bounds[2]) / 2), y: Math.round((n.bounds[1] + n.bounds[3]) / 2) });
const noElements = () => {
  throw new Error('no element origins here');
};

test('W3C pointer actions are classified like Android: tap, long press past the timeout, swipe past the slop', async () => {
  const tap = await gesturesOf(finger([{ type: 'pointerMove', x: 100, y: 200 }, { type: 'pointerDown', button: 0 }, { type: 'pause', duration: 100 }, { type: 'pointerUp', button: 0 }]), SETTINGS, noElements);
  assert.deepEqual(tap, [{ kind: 'tap', at: { x: 100, y: 200 } }]);
  const long = await gesturesOf(finger([{ type: 'pointerMove', x: 100, y: 200 }, { type: 'pointerDown' }, { type: 'pause', duration: 400 }, { type: 'pointerUp' }]), SETTINGS, noElements);
  assert.deepEqual(long, [{ kind: 'longPress', at: { x: 100, y: 200 }, durationMs: 400 }]);
  assert.equal(touchSettings(30, 480).longPressMs, 500, 'before Android 12 the timeout is 500 ms');
  const swipe = await gesturesOf(
    finger([{ type: 'pointerMove', x: 540, y: 10 }, { type: 'pointerDown' }, { type: 'pointerMove', duration: 300, origin: 'pointer', x: 0, y: 1000 }, { type: 'pointerUp' }]),
    SETTINGS,
    noElements,
  );
  assert.deepEqual(swipe, [{ kind: 'swipe', from: { x: 540, y: 10 }, to: { x: 540, y: 1010 }, durationMs: 300 }]);
  const jitter = await gesturesOf(finger([{ type: 'pointerMove', x: 100, y: 100 }, { type: 'pointerDown' }, { type: 'pointerMove', origin: 'pointer', x: SETTINGS.slopPx, y: 0 }, { type: 'pointerUp' }]), SETTINGS, noElements);
  assert.equal(jitter[0]!.kind, 'tap', 'a drift within the touch slop is still a tap');
  const onElement = await gesturesOf(finger([{ type: 'pointerMove', origin: { 'element-6066-11e4-a52e-4f735466cecf': 'e1' }, x: 5, y: 0 }, { type: 'pointerDown' }, { type: 'pointerUp' }]), SETTINGS, (id) => {
    assert.equal(id, 'e1');
    return { x: 50, y: 60 };
  });
  assert.deepEqual(onElement, [{ kind: 'tap', at: { x: 55, y: 60 } }]);
});

test('malformed or unsupported actions are refused with invalid argument, naming what is allowed', async () => {
  const refuse = (sequences: unknown, pattern: RegExp) => assert.rejects(gesturesOf(sequences as ActionSequence[], SETTINGS, noElements), (err: Error & { code?: string }) => err.code === 'invalid argument' && pattern.test(err.message));
  await refuse(finger([{ type: 'pointerUp' }]), /pointerUp without a pointerDown/);
  await refuse(finger([{ type: 'scroll' }]), /use pointerMove, pointerDown, pause, pointerUp/);
  await refuse(finger([{ type: 'pointerMove', x: 'left' }]), /numeric 'x'/);
  await refuse([{ type: 'key', actions: [{ type: 'keyDown', value: 'a' }] }], /key actions are not supported/);
  const down = [{ type: 'pointerMove', x: 1, y: 1 }, { type: 'pointerDown' }, { type: 'pointerUp' }];
  await refuse([...finger(down), { type: 'pointer', id: 'finger2', actions: down }], /multi-touch/);
  await refuse({}, /must be an array/);
});

test('a tap at a button’s coordinates presses it; a long press on an expandable row expands it', async (t) => {
  const { phone, push } = await bootPhone();
  t.after(() => phone.shutdown());
  await phone.activateApp(PKG);
  const field = await findNode(phone, (n) => n.resourceId === `${PKG}:id/login_user`);
  await phone.setText(field!.id, 'bob');
  const button = await findNode(phone, (n) => n.contentDesc === 'login');
  await phone.touch({ kind: 'tap', at: centre(button!) });
  assert.ok(await findNode(phone, (n) => n.resourceId === `${PKG}:id/main_title`), 'the tap logged in (main screen)');

  await phone.kill(PKG, 'force-stop');
  push.deliver({ messageId: 'm1', notification: { title: 'Alice', content: 'a long text the expanded row shows in full', style: 2 } });
  await phone.openNotifications();
  const row = await findNode(phone, (n) => n.resourceId.endsWith(':id/expandableNotificationRow'));
  assert.equal(row!.longClickable, true);
  await phone.touch({ kind: 'longPress', at: centre(row!), durationMs: 600 });
  assert.ok(await findNode(phone, (n) => n.resourceId === 'android:id/big_text'), 'the long press expanded the row');
});

test('swipes: down from the status bar opens the shade, sideways dismisses a row (reason swipe), up closes the shade', async (t) => {
  const { phone, push } = await bootPhone();
  t.after(() => phone.shutdown());
  await loginThroughUi(phone, 'bob');
  await phone.kill(PKG, 'force-stop');
  push.deliver({ messageId: 'm1', notification: { title: 'Alice', content: 'swipe me' } });
  const { width, height } = await phone.windowSize();

  await phone.touch({ kind: 'swipe', from: { x: width / 2, y: 400 }, to: { x: width / 2, y: 1400 }, durationMs: 300 });
  assert.equal(phone.shadeOpen, false, 'a swipe down that starts below the status bar does not open the shade');
  await phone.touch({ kind: 'swipe', from: { x: width / 2, y: 10 }, to: { x: width / 2, y: 90 }, durationMs: 300 });
  assert.equal(phone.shadeOpen, false, 'too short a pull snaps back');
  await phone.touch({ kind: 'swipe', from: { x: width / 2, y: 10 }, to: { x: width / 2, y: height / 2 }, durationMs: 300 });
  assert.equal(phone.shadeOpen, true);

  const row = await findNode(phone, (n) => n.resourceId.endsWith(':id/expandableNotificationRow'));
  const at = centre(row!);
  await phone.touch({ kind: 'swipe', from: at, to: { x: at.x + 100, y: at.y }, durationMs: 200 });
  assert.equal(phone.notifications.entries.length, 1, 'a short sideways swipe does not dismiss');
  await phone.touch({ kind: 'swipe', from: at, to: { x: at.x - width * 0.6, y: at.y }, durationMs: 200 });
  assert.equal(phone.notifications.entries.length, 0);
  assert.equal(phone.notifications.removed.at(-1)?.reason, 'swipe');
  const { statusBarNotifications } = await phone.getNotifications();
  assert.equal(statusBarNotifications[0]?.isRemoved, true, 'getNotifications lists it as removed');

  await phone.touch({ kind: 'swipe', from: { x: width / 2, y: height * 0.8 }, to: { x: width / 2, y: height * 0.2 }, durationMs: 200 });
  assert.equal(phone.shadeOpen, false);
});

test('rotation swaps the window and lays the screen out again; an unknown orientation is refused', async (t) => {
  const { phone } = await bootPhone();
  t.after(() => phone.shutdown());
  await phone.activateApp(PKG);
  assert.deepEqual(await phone.windowSize(), { width: 1080, height: 2400 });
  await phone.setOrientation('LANDSCAPE');
  assert.equal(await phone.orientation(), 'LANDSCAPE');
  assert.deepEqual(await phone.windowSize(), { width: 2400, height: 1080 });
  const root = await phone.uiTree();
  assert.equal(root.bounds[2], 2400);
  const png = PNG.sync.read(Buffer.from(await phone.screenshot(), 'base64'));
  assert.deepEqual([png.width, png.height], [2400, 1080]);
  await assert.rejects(phone.setOrientation('UPSIDE_DOWN' as 'PORTRAIT'), { code: 'invalid argument' });
  await phone.setOrientation('PORTRAIT');
  assert.deepEqual(await phone.windowSize(), { width: 1080, height: 2400 });
});

/** Pixels in a band that are dark like text (the window background is near white). */
function darkPixels(png: PNG, [l, t, r, b]: UiNode['bounds']): number {
  let n = 0;
  for (let y = t; y < b; y++) {
    for (let x = l; x < r; x++) {
      const i = (y * png.width + x) * 4;
      if (png.data[i]! < 100 && png.data[i + 1]! < 100 && png.data[i + 2]! < 100) n++;
    }
  }
  return n;
}

test('a screenshot draws the text of the screen and of the shade (and the SVG carries the words)', async (t) => {
  const { phone, push } = await bootPhone();
  t.after(() => phone.shutdown());
  await loginThroughUi(phone, 'bob');
  const title = await findNode(phone, (n) => n.resourceId === `${PKG}:id/main_title`);
  const self = await findNode(phone, (n) => n.resourceId === `${PKG}:id/self_user`);
  let png = PNG.sync.read(Buffer.from(await phone.screenshot(), 'base64'));
  const [l, , r] = title!.bounds;
  assert.ok(darkPixels(png, title!.bounds) > 500, 'the title "Chats" is drawn');
  assert.ok(darkPixels(png, self!.bounds) > 200, 'the user id is drawn');
  // the same band with its text cut to nothing: the word, not a box, made those pixels
  assert.equal(darkPixels(png, [l, title!.bounds[3], r, title!.bounds[3] + 4]), 0);
  assert.match(await phone.screenSvg(), /<text[^>]*>Chats<\/text>/);

  await phone.kill(PKG, 'force-stop');
  push.deliver({ messageId: 'm1', notification: { title: 'Alice', content: 'Are you there?' } });
  await phone.openNotifications();
  const svg = await phone.screenSvg();
  for (const word of ['IM Demo', 'Alice', 'Are you there?', 'Clear all']) assert.ok(svg.includes(`>${word}</text>`), `the shade shows '${word}'`);
  png = PNG.sync.read(Buffer.from(await phone.screenshot(), 'base64'));
  const rowTitle = await findNode(phone, (n) => n.resourceId === 'android:id/title');
  assert.ok(darkPixels(png, rowTitle!.bounds) > 300, 'the notification title is drawn on its card');
});
