/**
 * What each screen shows, as view specs. The app's ids follow the demo's `<pkg>:id/...` style;
 * the shade uses the framework ids a real shade renders (`android:id/title`, `android:id/text`)
 * inside `com.android.systemui`, so selectors written for a real phone work here.
 */
import type { LinkMessage } from '../../im/client-link/protocol.ts';
import type { DemoApp } from '../demo-app.ts';
import type { ShadeEntry } from '../notifications.ts';
import type { Action, ViewSpec } from './nodes.ts';
import { BROWSER, LAUNCHER, SYSTEMUI } from '../system.ts';

/** A conversation row's last-message preview, as the demo's list shows it. */
function textOf(m: LinkMessage): string {
  const el = m.body[0];
  if (!el) return '';
  const c = el.MsgContent;
  if (el.MsgType === 'TIMTextElem') return String(c.Text ?? '');
  if (el.MsgType === 'TIMCustomElem') return String(c.Desc ?? c.Data ?? '[custom]');
  return `[${el.MsgType.replace(/^TIM|Elem$/g, '')}]`;
}

export function appScreen(app: DemoApp): ViewSpec {
  const pkg = app.profile.packageName;
  const id = (name: string): string => `${pkg}:id/${name}`;
  const role = app.top?.activity.role ?? 'login';
  if (role === 'main') {
    return {
      cls: 'FrameLayout',
      key: 'main',
      children: [
        { cls: 'TextView', resourceId: id('main_title'), text: 'Chats' },
        { cls: 'TextView', resourceId: id('self_user'), text: app.im.user ?? '' },
        {
          cls: 'androidx.recyclerview.widget.RecyclerView',
          resourceId: id('conversation_list'),
          scrollable: true,
          children: [...app.conversations.values()].map((c) => ({
            cls: 'LinearLayout',
            key: `conversation-${c.peer}`,
            resourceId: id('conversation_item'),
            desc: `conversation ${c.peer}`,
            clickable: true,
            children: [
              { cls: 'TextView', resourceId: id('conversation_title'), text: c.peer },
              { cls: 'TextView', resourceId: id('conversation_last_msg'), text: textOf(c.messages.at(-1)!) },
              ...(c.unread > 0 ? [{ cls: 'TextView', resourceId: id('conversation_unread'), text: String(c.unread) }] : []),
            ],
          })),
        },
        { cls: 'Button', resourceId: id('logout_btn'), text: 'Logout', desc: 'logout', onTap: () => app.tapLogout() },
      ],
    };
  }
  if (role === 'push') {
    const extras = Object.entries(app.shownExtras());
    return {
      cls: 'FrameLayout',
      key: 'push',
      children: [
        { cls: 'TextView', resourceId: id('push_title'), text: 'Offline push' },
        // Who is signed in, so a test can tell from this screen alone (absent while nobody is).
        ...(app.im.user ? [{ cls: 'TextView', resourceId: id('self_user'), text: app.im.user }] : []),
        ...(extras.length === 0
          ? [{ cls: 'TextView', resourceId: id('push_no_extras'), text: 'No extras' }]
          : extras.map(([k, v]) => ({ cls: 'TextView', key: `extra-${k}`, resourceId: id('push_extra'), text: `${k} = ${v}`, desc: `extra ${k}` }))),
      ],
    };
  }
  return {
    cls: 'FrameLayout',
    key: 'login',
    children: [
      { cls: 'TextView', resourceId: id('login_title'), text: 'Tencent Cloud IM' },
      {
        cls: 'EditText',
        resourceId: id('login_user'),
        text: app.loginInput,
        desc: 'user id',
        onSetText: (text) => {
          app.loginInput = text;
        },
      },
      { cls: 'Button', resourceId: id('login_btn'), text: 'Login', desc: 'login', onTap: () => app.tapLogin() },
      ...(app.status ? [{ cls: 'TextView', resourceId: id('login_status'), text: app.status }] : []),
    ],
  };
}

export function launcherScreen(apps: Array<{ label: string; packageName: string; launch: Action }>): ViewSpec {
  return {
    cls: 'FrameLayout',
    key: 'launcher',
    children: [
      {
        cls: 'GridView',
        resourceId: `${LAUNCHER}:id/workspace`,
        children: apps.map((a) => ({ cls: 'TextView', key: a.packageName, text: a.label, desc: a.label, onTap: a.launch })),
      },
    ],
  };
}

export function browserScreen(url: string): ViewSpec {
  return {
    cls: 'FrameLayout',
    key: 'browser',
    children: [
      { cls: 'EditText', resourceId: `${BROWSER}:id/url_bar`, text: url, desc: 'address bar' },
      { cls: 'android.webkit.WebView', resourceId: `${BROWSER}:id/web_view`, rows: 8 },
    ],
  };
}

export interface ShadeView {
  entries: ShadeEntry[];
  labelOf(pkg: string): string;
  /** The row header's relative time (`now`, `5m`, `2h`), as a DateTimeView shows it. */
  ageOf(entry: ShadeEntry): string;
  tap(key: string): Action;
  /** Rows with a long text have an expander; expanded ones show `android:id/big_text`. */
  isExpanded(key: string): boolean;
  toggle(key: string): Action;
  /** A row swiped sideways: the user dismisses it. */
  dismiss(key: string): Action;
  /** A swipe up on the panel pushes the shade back. */
  close: Action;
  clearAll: Action;
  clock: string;
}

export function shadeScreen({ entries, labelOf, ageOf, tap, isExpanded, toggle, dismiss, close, clearAll, clock }: ShadeView): ViewSpec {
  return {
    cls: 'FrameLayout',
    key: 'shade',
    resourceId: `${SYSTEMUI}:id/notification_panel`,
    onSwipe: async (direction) => {
      if (direction !== 'up') return false;
      await close();
      return true;
    },
    children: [
      { cls: 'TextView', resourceId: `${SYSTEMUI}:id/clock`, text: clock },
      {
        cls: 'ScrollView',
        resourceId: `${SYSTEMUI}:id/notification_stack_scroller`,
        scrollable: true,
        children:
          entries.length === 0
            ? [{ cls: 'TextView', resourceId: `${SYSTEMUI}:id/no_notifications`, text: 'No notifications' }]
            : entries.map((e) => ({
                cls: 'FrameLayout',
                key: e.key,
                resourceId: `${SYSTEMUI}:id/expandableNotificationRow`,
                desc: `${labelOf(e.packageName)} notification: ${e.title}`,
                onTap: tap(e.key),
                // Sideways swipes dismiss (SwipeHelper); dragging a row down expands it, as SystemUI does.
                onSwipe: async (direction) => {
                  if (direction === 'left' || direction === 'right') await dismiss(e.key)();
                  else if (direction === 'down' && e.bigText !== undefined && !isExpanded(e.key)) await toggle(e.key)();
                  else return false;
                  return true;
                },
                // SystemUI's long press opens the row's settings guts, which the lab does not draw; expanding keeps the gesture observable.
                ...(e.bigText !== undefined ? { onLongTap: toggle(e.key) } : {}),
                children: [
                  { cls: 'TextView', resourceId: 'android:id/app_name_text', text: labelOf(e.packageName) },
                  { cls: 'DateTimeView', key: 'time', resourceId: 'android:id/time', text: ageOf(e) },
                  ...(e.bigText === undefined
                    ? []
                    : [{ cls: 'ImageButton', resourceId: 'android:id/expand_button', desc: isExpanded(e.key) ? 'Collapse' : 'Expand', onTap: toggle(e.key) }]),
                  { cls: 'TextView', resourceId: 'android:id/title', text: e.title },
                  e.bigText !== undefined && isExpanded(e.key)
                    ? { cls: 'TextView', resourceId: 'android:id/big_text', text: e.bigText, rows: 3 }
                    : { cls: 'TextView', resourceId: 'android:id/text', text: e.text },
                ],
              })),
      },
      ...(entries.length > 0 ? [{ cls: 'Button', resourceId: `${SYSTEMUI}:id/clear_all`, text: 'Clear all', desc: 'Clear all notifications', onTap: clearAll }] : []),
    ],
  };
}
