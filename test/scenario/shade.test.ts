import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DOMParser } from '@xmldom/xmldom';
import xpath from 'xpath';
import { DEFAULT_NOTIFICATION_SOUND, parseExtrasLog, parseNotificationDump, titleXPath, xpathLiteral } from '../../harness/scenario/shade.ts';

// A shade as UiAutomator2 renders a stock/ColorOS one: template views wrapped in OEM containers.
const SHADE = `<?xml version="1.0" encoding="UTF-8"?>
<hierarchy index="0" rotation="0">
  <android.widget.FrameLayout package="com.android.systemui" resource-id="com.android.systemui:id/notification_panel">
    <android.widget.FrameLayout package="com.android.systemui" resource-id="com.android.systemui:id/expandableNotificationRow" clickable="true">
      <android.widget.LinearLayout package="com.android.systemui">
        <android.widget.TextView package="com.android.systemui" resource-id="android:id/title" text="Alice"/>
        <android.widget.TextView package="com.android.systemui" resource-id="android:id/text" text="hi"/>
      </android.widget.LinearLayout>
    </android.widget.FrameLayout>
    <android.widget.FrameLayout package="com.android.systemui" resource-id="com.android.systemui:id/expandableNotificationRow" clickable="true">
      <android.widget.TextView package="com.android.systemui" resource-id="android:id/title" text="Bob's"/>
      <android.widget.TextView package="com.android.systemui" resource-id="android:id/text" text="see &quot;this&quot; one"/>
    </android.widget.FrameLayout>
  </android.widget.FrameLayout>
</hierarchy>`;

function matches(expr: string): string[] {
  const doc = new DOMParser().parseFromString(SHADE, 'text/xml');
  return (xpath.select(expr, doc as unknown as Node) as Element[]).map((e) => e.getAttribute('text') ?? '');
}

test('the title xpath finds a notification by title, and by title and text within the same row only', () => {
  assert.deepEqual(matches(titleXPath({ title: 'Alice' })), ['Alice']);
  assert.deepEqual(matches(titleXPath({ title: 'Alice', text: 'hi' })), ['Alice']);
  // The text of another row must not satisfy the match.
  assert.deepEqual(matches(titleXPath({ title: 'Alice', text: 'see "this" one' })), []);
  assert.deepEqual(matches(titleXPath({ title: "Bob's", text: 'see "this" one' })), ["Bob's"]);
  assert.deepEqual(matches(titleXPath({ title: 'Carol' })), []);
});

test('xpath literals survive both quote kinds', () => {
  assert.equal(xpathLiteral('plain'), "'plain'");
  assert.equal(xpathLiteral("it's"), `"it's"`);
  assert.equal(xpathLiteral(`it's "x"`), `concat('it', "'", 's "x"')`);
});

test('dumpsys notification records give package, key, channel, title and text', () => {
  const dump = [
    'Current Notification Manager state:',
    '  Notification List:',
    '    NotificationRecord(0x0a1b2c3d: pkg=com.tencent.qcloud.tim.demo user=UserHandle{0} id=17 tag=null importance=4 key=0|com.tencent.qcloud.tim.demo|17|null|10086: Notification(channel=tuikit shortcut=null contentView=null vibrate=null sound=null defaults=0x0 flags=0x10 color=0x00000000 vis=PRIVATE))',
    '      uid=10086 userId=0',
    '      key=0|com.tencent.qcloud.tim.demo|17|null|10086',
    "      effectiveNotificationChannel=NotificationChannel{mId='tuikit', mName=TUIKit messages, mImportance=4, mBypassDnd=false, mSound=content://settings/system/notification_sound, mLights=false}",
    '      extras={',
    '          android.title=String (Alice)',
    '          android.text=String (hi (again))',
    '      }',
    '    NotificationRecord(0x0b: pkg=com.android.shell user=UserHandle{0} id=2020 tag=t importance=3 key=0|com.android.shell|2020|t|2000appImportanceLocked=false: Notification(channel=shell_cmd))',
    '      extras={',
    '          android.title=String (x)',
    '      }',
  ].join('\n');
  assert.deepEqual(parseNotificationDump(dump), [
    { packageName: 'com.tencent.qcloud.tim.demo', key: '0|com.tencent.qcloud.tim.demo|17|null|10086', channel: 'tuikit', sound: DEFAULT_NOTIFICATION_SOUND, title: 'Alice', text: 'hi (again)' },
    { packageName: 'com.android.shell', key: '0|com.android.shell|2020|t|2000', channel: 'shell_cmd', title: 'x' },
  ]);
  assert.deepEqual(parseNotificationDump('Current Notification Manager state:\n  Notification List:\n'), []);
});

test('extras come from the sample code log lines, other lines ignored', () => {
  assert.deepEqual(
    parseExtrasLog([
      '11-22 00:10:01.000  4321  4321 D oppo push custom data: key = conv:value = c2c_alice',
      '11-22 00:10:01.001  4321  4321 D oppo push custom data: key = entity:value = {"a":1}',
      '11-22 00:10:01.002  4321  4321 I ActivityManager: Displayed com.tencent.qcloud.tim.demo/.SplashActivity',
    ]),
    { conv: 'c2c_alice', entity: '{"a":1}' },
  );
});
