import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errors } from 'appium/driver.js';
import xpath from 'xpath';
import { DOMParser } from '@xmldom/xmldom';
import { buildSourceDocument } from '../../harness/phone/ui/source.ts';
import { matchUiSelector, parseUiSelector } from '../../harness/phone/ui/uiselector.ts';
import { InvalidSelectorError } from '../../harness/phone/errors.ts';
import { VirtualOppoDriver } from '../../harness/appium-driver/lib/driver.ts';
import { APP, FakePhone } from './fake-phone.ts';

const SIZE = { width: 1080, height: 2400 };

async function loginScreen() {
  const phone = new FakePhone('unit');
  await phone.activateApp(APP);
  phone.userIdText = 'alice';
  return phone.uiTree();
}

test('the page source is a UiAutomator2 hierarchy with its attribute names and formats', async () => {
  const xml = buildSourceDocument(await loginScreen(), SIZE).xml();
  assert.match(xml, /^<\?xml version='1.0' encoding='UTF-8' standalone='yes' \?>\n<hierarchy index="0" class="hierarchy" rotation="0" width="1080" height="2400">/);
  const doc = new DOMParser().parseFromString(xml, 'text/xml');
  const button = xpath.select1(`//android.widget.Button[@resource-id='${APP}:id/login_btn']`, doc as unknown as Node) as unknown as Element;
  assert.ok(button, 'the button is addressable by class tag and resource-id');
  const attrs = Object.fromEntries([...Array.from({ length: button.attributes.length }, (_, i) => button.attributes.item(i)!)].map((a) => [a.name, a.value]));
  assert.deepEqual(attrs, {
    index: '1',
    package: APP,
    class: 'android.widget.Button',
    text: 'Log in',
    'resource-id': `${APP}:id/login_btn`,
    checkable: 'false',
    checked: 'false',
    clickable: 'true',
    enabled: 'true',
    focusable: 'false',
    focused: 'false',
    'long-clickable': 'false',
    password: 'false',
    scrollable: 'false',
    selected: 'false',
    bounds: '[60,800][1020,920]',
    displayed: 'true',
    'content-desc': 'login',
  });
});

test('class names that are not XML names become valid tags, the class attribute keeps the original', async () => {
  const screen = await loginScreen();
  screen.className = 'com.example.Outer$Inner';
  const xml = buildSourceDocument(screen, SIZE).xml();
  assert.match(xml, /<com\.example\.Outer_Inner index="0" package="[^"]+" class="com\.example\.Outer\$Inner"/);
  assert.ok(new DOMParser().parseFromString(xml, 'text/xml').documentElement);
});

test('UiSelector: the documented subset matches like UiAutomator', async () => {
  const screen = await loginScreen();
  const ids = (sel: string) => matchUiSelector(parseUiSelector(sel), screen).map((n) => n.id);
  assert.deepEqual(ids('new UiSelector().text("Log in")'), ['app/login/button']);
  assert.deepEqual(ids('text("Log in")'), ['app/login/button'], 'bare chain, as UiA2 accepts');
  assert.deepEqual(ids('new UiSelector().textContains("Remember")'), ['app/login/remember']);
  assert.deepEqual(ids('new UiSelector().textStartsWith("Log")'), ['app/login/button']);
  assert.deepEqual(ids('new UiSelector().textMatches("Log.*")'), ['app/login/button']);
  assert.deepEqual(ids('new UiSelector().textMatches("og")'), [], 'textMatches is a full match');
  assert.deepEqual(ids(`new UiSelector().resourceId("${APP}:id/user_id")`), ['app/login/user']);
  assert.deepEqual(ids('new UiSelector().resourceIdMatches(".*:id/(user_id|remember)")'), ['app/login/user', 'app/login/remember']);
  assert.deepEqual(ids('new UiSelector().description("login")'), ['app/login/button']);
  assert.deepEqual(ids('new UiSelector().descriptionContains("log")'), ['app/login/button']);
  assert.deepEqual(ids('new UiSelector().className("android.widget.EditText")'), ['app/login/user']);
  assert.deepEqual(ids('new UiSelector().clickable(true).instance(1)'), ['app/login/button']);
  assert.deepEqual(ids('new UiSelector().checked(true)'), ['app/login/remember']);
  assert.deepEqual(ids('new UiSelector().enabled(false)'), []);
  assert.deepEqual(ids('new UiSelector().selected(false).packageName("nope")'), []);
  assert.deepEqual(ids('new UiSelector().className("android.widget.LinearLayout").childSelector(new UiSelector().index(2))'), ['app/login/remember']);
  assert.deepEqual(ids('new UiSelector().resourceId("android:id/content").childSelector(new UiSelector().clickable(true)).childSelector(new UiSelector().text("x"))'), []);
  assert.deepEqual(ids('new UiSelector().text("say \\"hi\\"");'), []);
});

test('UiSelector: anything outside the subset is an InvalidSelectorError that says what is supported', () => {
  for (const bad of [
    'new UiScrollable(new UiSelector().scrollable(true)).scrollIntoView(new UiSelector().text("x"))',
    'new UiSelector().fromParent(new UiSelector().text("x"))',
    'new UiSelector().text(5)',
    'new UiSelector().clickable("yes")',
    'new UiSelector().text("unterminated)',
    'new UiSelector().textMatches("(")',
    'new UiSelector().text("a") trailing',
    '',
  ]) {
    assert.throws(() => parseUiSelector(bad), (err: unknown) => {
      assert.ok(err instanceof InvalidSelectorError, `${bad}: ${String(err)}`);
      return true;
    });
  }
  assert.throws(() => parseUiSelector('new UiSelector().fromParent(new UiSelector())'), /fromParent.*supports new UiSelector\(\) with text, textContains/s);
});

test('mobile: shell is refused unless the adb_shell insecure feature is enabled for this driver', async () => {
  const driver = new VirtualOppoDriver({ automationName: 'VirtualOppo' } as never);
  await assert.rejects(driver.mobileShell('getprop'), /insecure feature 'adb_shell' has not been enabled/);
});
