/**
 * `dumpsys notification --noredact` read into the records `mobile: getNotifications` gives (the
 * Appium Settings helper's StatusBarNotification JSON), plus what only the dump shows: the channel,
 * its sound, and each package's notification preferences (enabled, channels).
 *
 * The text drifts across Android versions and OEM builds (android-automation.md §6.2), so every
 * field has its own tolerant pattern and a missing one is left out, never guessed.
 */
import type { StatusBarNotification } from '../phone/api.ts';

/** A shade record as the dump shows it. */
export interface DumpedNotification extends StatusBarNotification {
  /** The channel id (`Notification(channel=…)`, else `effectiveNotificationChannel`). */
  channel?: string;
  /** The sound the channel plays (`mSound=`), absent when the dump has none or says null. */
  sound?: string;
}

/** Notification.FLAG_ONGOING_EVENT, FLAG_NO_CLEAR, FLAG_FOREGROUND_SERVICE. */
const FLAG_ONGOING = 0x2;
const FLAG_NO_CLEAR = 0x20;
const FLAG_FOREGROUND = 0x40;

function recordBlocks(dump: string): string[] {
  return dump.split(/(?=^\s*NotificationRecord\()/m).filter((b) => /^\s*NotificationRecord\(/.test(b));
}

/** `android.<name>=<Type> (<value>)`: the value, or undefined when absent or redacted. */
function extra(block: string, name: string): string | undefined {
  return block.match(new RegExp(`^\\s*android\\.${name.replace(/\./g, '\\.')}=\\S+ \\((.*)\\)\\s*$`, 'm'))?.[1];
}

/** The records of the dump's notification list, in the dump's order. */
export function parseNotificationRecords(dump: string): DumpedNotification[] {
  return recordBlocks(dump).map((block) => {
    const header = block.split('\n', 1)[0]!;
    const key = header.match(/key=(\S+?)(?::| |appImportance|$)/)?.[1] ?? block.match(/^\s*key=(\S+)/m)?.[1] ?? '';
    const flagsText = block.match(/^\s*flags=(0x[0-9a-fA-F]+)/m)?.[1] ?? header.match(/ flags=(0x[0-9a-fA-F]+)/)?.[1] ?? '0x0';
    const flags = Number(flagsText);
    const ongoing = (flags & (FLAG_ONGOING | FLAG_FOREGROUND)) !== 0;
    const tag = header.match(/ tag=(\S+)/)?.[1];
    const title = extra(block, 'title');
    const record: DumpedNotification = {
      isGroup: false,
      packageName: header.match(/pkg=(\S+)/)?.[1] ?? '',
      isClearable: (flags & (FLAG_ONGOING | FLAG_NO_CLEAR)) === 0,
      isOngoing: ongoing,
      id: Number(header.match(/ id=(-?\d+)/)?.[1] ?? 0),
      tag: tag === undefined || tag === 'null' ? null : tag,
      notification: {
        title: title ?? null,
        bigTitle: extra(block, 'title.big') ?? null,
        text: extra(block, 'text') ?? null,
        bigText: extra(block, 'bigText') ?? null,
        tickerText: null,
        subText: extra(block, 'subText') ?? null,
        infoText: extra(block, 'infoText') ?? null,
        template: extra(block, 'template') ?? null,
      },
      userHandle: Number(header.match(/user=UserHandle\{(-?\d+)\}/)?.[1] ?? 0),
      groupKey: block.match(/^\s*groupKey=(\S+)/m)?.[1] ?? key,
      overrideGroupKey: null,
      // mCreationTimeMs is the StatusBarNotification's postTime (NotificationRecord.dump).
      postTime: Number(block.match(/^\s*mCreationTimeMs=(\d+)/m)?.[1] ?? 0),
      key,
      isRemoved: false,
    };
    const channel = header.match(/channel=([^\s)]+)/)?.[1] ?? block.match(/effectiveNotificationChannel=NotificationChannel\{mId='([^']+)'/)?.[1];
    const sound = block.match(/effectiveNotificationChannel=NotificationChannel\{.*?mSound=([^,}\s]+)/)?.[1];
    if (channel !== undefined) record.channel = channel;
    if (sound !== undefined && sound !== 'null') record.sound = sound;
    return record;
  });
}

/** A package's notification preferences (PreferencesHelper's `AppSettings:` block). */
export interface PackageNotificationSettings {
  packageName: string;
  /** false when the user (or ColorOS, by default) turned the app's notifications off: `importance=NONE`. */
  enabled: boolean;
  /** The `importance=` the line shows, when it shows one (`NONE`, `UNSPECIFIED`, ...). */
  importance?: string;
  /** The ids of the channels the app created. */
  channels: string[];
}

/**
 * Each `AppSettings: <pkg> (<uid>) [importance=…]` line of the dump, with the
 * `NotificationChannel{mId='…'…}` lines under it. A package the dump does not list has never posted
 * or created a channel.
 */
export function parseNotificationSettings(dump: string): PackageNotificationSettings[] {
  const settings: PackageNotificationSettings[] = [];
  let current: PackageNotificationSettings | undefined;
  for (const line of dump.split('\n')) {
    const app = line.match(/^\s*AppSettings: (\S+) \((?:\d+|UNKNOWN_UID)\)(.*)$/);
    if (app) {
      const importance = app[2]!.match(/\bimportance=(\w+)/)?.[1];
      current = { packageName: app[1]!, enabled: importance !== 'NONE', ...(importance ? { importance } : {}), channels: [] };
      settings.push(current);
      continue;
    }
    const channel = current ? line.match(/^\s*NotificationChannel\{mId='([^']*)'/) : null;
    if (channel) current!.channels.push(channel[1]!);
    else if (current && !/^\s*NotificationChannelGroup\{/.test(line)) current = undefined;
  }
  return settings;
}
