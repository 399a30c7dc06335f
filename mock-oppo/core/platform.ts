/**
 * The OPPO PUSH platform as plain state and behaviour (no HTTP, no WebSocket): apps, tokens,
 * registrations, aliases and tags, messages with per-target states, quotas, flow control,
 * delivery to connected devices and receipts. Everything time-dependent reads the injected clock.
 */
import { EventEmitter } from 'node:events';
import { normalizeApp, type App, type AppConfig } from './apps.ts';
import type { Clock } from './clock.ts';
import { CODES, CODE_MESSAGES, OppoError, type OppoCode } from './codes.ts';
import { Deadlines } from './deadlines.ts';
import { Faults } from './faults.ts';
import { IdGenerator } from './ids.ts';
import {
  LIMITS,
  PRIVATE_CATEGORIES,
  PUBLIC_CATEGORIES,
  STRONG_REMINDER_LEVEL,
  type NotificationSpec,
} from './notification.ts';
import { canSendPrivate, dailyPublicQuota, dayKey, perDeviceDailyPublic, qpsLimit, type QuotaStatus } from './quota.ts';
import { authSign } from './sign.ts';
import { Receipts, type ReceiptEvent, type ReceiptSender } from './receipts.ts';
import { Ring } from './ring.ts';
import { formatRegId, isWellFormedRegId, regionOfRegId, type Region } from './region.ts';
import type { MockSettings } from './settings.ts';
import type {
  BatchItemResult, BroadcastResult, Classification, DeviceSink, MessageRecord, Registration, SavedContent,
  StateChange, TargetRecord, TargetState, UnicastInput,
} from './records.ts';
import type { DeviceView } from './views.ts';

// harness/scenario still imports the view types from here (they lived in this module first).
export type { MessageView, TargetView } from './views.ts';

interface Device {
  deviceId: string;
  region: Region;
  sink?: DeviceSink;
  connectedAt?: number;
  lastSeen: number;
}

interface Token {
  appId: string;
  region: Region;
  createdAt: number;
}

export interface PlatformOptions {
  clock: Clock;
  settings: MockSettings;
  apps: AppConfig[];
  receiptSender: ReceiptSender;
}

interface Counter {
  key: number;
  count: number;
}

/** A unicast's dedupe key: one app_message_id per app and target. */
function unicastDupKey(appId: string, appMessageId: string, targetValue: string): string {
  return `u\u0000${appId}\u0000${appMessageId}\u0000${targetValue}`;
}

/** Key of `awaitingAck`: acks name the message and the regId, not the task. */
function ackKey(messageId: string, regId: string | undefined): string {
  return `${messageId}\u0000${regId}`;
}

/** Empty, longer than OPPO allows, or with the `;` that separates aliases in a broadcast. */
function isBadAlias(alias: string): boolean {
  return alias.length === 0 || alias.length > LIMITS.alias || alias.includes(';');
}

/** When a message's offline TTL runs out (epoch ms). */
function offlineExpiry(message: MessageRecord): number {
  return message.createdAt + message.spec.offLineTtl * 1000;
}

/**
 * Events: 'target' (every per-target state change: messageId, taskId, registrationId, state,
 * reason, code, at) and 'device' ({ deviceId, connected }) when a phone's link comes or goes.
 */
export class OppoPlatform extends EventEmitter {
  readonly clock: Clock;
  readonly settings: MockSettings;
  readonly faults: Faults;
  readonly receipts: Receipts;
  private readonly initialApps: App[];
  private ids: IdGenerator;
  private deadlines: Deadlines;
  private appsById = new Map<string, App>();
  private appsByKey = new Map<string, App>();
  private tokens = new Map<string, Token>();
  private registrations = new Map<string, Registration>();
  private regByDevicePackage = new Map<string, string>();
  private devices = new Map<string, Device>();
  private aliases = new Map<string, Map<string, string>>();
  private tagDefs = new Map<string, Map<string, { desc: string; group?: string }>>();
  /** The newest `messageRetention` messages, oldest first (no id index: lookups are for inspection, not the request path). */
  private messages: Ring<MessageRecord>;
  private saved = new Map<string, SavedContent>();
  private dedupe = new Map<string, MessageRecord | SavedContent>();
  private invalidFeedback = new Map<string, string[]>();
  private quotaUsed = new Map<string, Counter>();
  private deviceDaily = new Map<string, Counter>();
  private qpsWindow = new Map<string, Counter>();
  /** Delivered, not yet acked: ackKey(messageId, regId) → target. */
  private awaitingAck = new Map<string, TargetRecord>();
  private notifySeq = 0;

  constructor(options: PlatformOptions) {
    super();
    this.clock = options.clock;
    this.settings = options.settings;
    this.ids = new IdGenerator(options.settings.seed);
    this.deadlines = new Deadlines(options.clock);
    this.faults = new Faults(options.clock);
    this.receipts = new Receipts(options.clock, this.faults, options.receiptSender, options.settings.receiptLogCapacity);
    this.messages = new Ring(Math.max(1, options.settings.messageRetention));
    this.initialApps = options.apps.map(normalizeApp);
    for (const app of this.initialApps) this.putApp(app);
  }

  /** Back to the initial apps with no tokens, registrations, messages, faults or receipts. The clock is not touched. */
  reset(): void {
    for (const device of this.devices.values()) device.sink?.close('mock reset');
    this.deadlines.clear();
    this.faults.clear();
    this.receipts.clear();
    for (const map of [
      this.appsById, this.appsByKey, this.tokens, this.registrations, this.regByDevicePackage, this.devices,
      this.aliases, this.tagDefs, this.saved, this.dedupe, this.invalidFeedback,
      this.quotaUsed, this.deviceDaily, this.qpsWindow, this.awaitingAck,
    ] as Map<unknown, unknown>[]) map.clear();
    this.ids = new IdGenerator(this.settings.seed);
    this.notifySeq = 0;
    this.messages.clear();
    for (const app of this.initialApps) this.putApp(app);
  }

  /**
   * The lab's reset between spec files: messages (queued ones too), faults, receipts, quotas and
   * flow-control windows, saved contents and app_message_id memory, the feedback list — gone. Apps,
   * auth tokens, registrations (aliases, tags) and device links stay, so phones keep their regIds.
   */
  resetTraffic(): void {
    this.deadlines.clear();
    this.faults.clear();
    this.receipts.clear();
    for (const map of [this.saved, this.dedupe, this.invalidFeedback, this.quotaUsed, this.deviceDaily, this.qpsWindow, this.awaitingAck] as Map<unknown, unknown>[]) map.clear();
    for (const reg of this.registrations.values()) {
      reg.queue = [];
      reg.queuedCount = 0;
      reg.queuedByNotifyId.clear();
    }
    this.messages.clear();
  }

  // ---- apps ---------------------------------------------------------------------------------

  addApp(config: AppConfig): App {
    const app = normalizeApp(config);
    const clash = this.appsById.get(app.appId) ?? this.appsByKey.get(app.appKey);
    if (clash) throw new TypeError(`an app with appId ${clash.appId} / appKey ${clash.appKey} already exists`);
    this.putApp(app);
    return app;
  }

  listApps(): App[] {
    return [...this.appsById.values()];
  }

  appById(appId: string): App | undefined {
    return this.appsById.get(appId);
  }

  appByKey(appKey: string): App | undefined {
    return this.appsByKey.get(appKey);
  }

  private putApp(app: App): void {
    this.appsById.set(app.appId, app);
    this.appsByKey.set(app.appKey, app);
  }

  // ---- auth ---------------------------------------------------------------------------------

  /** `sign` = sha256(app_key + timestamp + master_secret); the checks run missing-first, then validity. */
  authenticate(region: Region, appKey?: string, timestamp?: string, sign?: string): { authToken: string; createTime: number } {
    if (!appKey) throw new OppoError(CODES.MISSING_APP_KEY);
    if (!sign) throw new OppoError(CODES.MISSING_SIGNATURE);
    if (!timestamp) throw new OppoError(CODES.MISSING_TIMESTAMP);
    const app = this.appsByKey.get(appKey);
    if (!app) throw new OppoError(CODES.INVALID_APP_KEY);
    const now = this.clock.now();
    const ts = /^\d{1,16}$/.test(timestamp) ? Number(timestamp) : NaN;
    if (!Number.isSafeInteger(ts) || Math.abs(now - ts) > this.settings.authTimestampWindowMs) {
      throw new OppoError(CODES.INVALID_TIMESTAMP, 'timestamp must be epoch ms within 10 minutes of server time');
    }
    const expected = authSign(appKey, timestamp, app.masterSecret);
    if (sign.toLowerCase() !== expected) throw new OppoError(CODES.INVALID_SIGNATURE);
    if (this.tokens.size > 10_000) this.pruneTokens(now);
    // [uncertain] whether a new token revokes the old one: both stay valid until they expire.
    const authToken = this.ids.objectId(now);
    this.tokens.set(authToken, { appId: app.appId, region, createdAt: now });
    return { authToken, createTime: now };
  }

  /** The app a token belongs to: 29 when absent, 11 when unknown, expired or (by setting) from the other region. */
  appForToken(region: Region, token: string | undefined): App {
    if (!token) throw new OppoError(CODES.MISSING_AUTH_TOKEN);
    const entry = this.tokens.get(token);
    if (!entry) throw new OppoError(CODES.INVALID_AUTH_TOKEN);
    if (this.clock.now() - entry.createdAt >= this.settings.tokenTtlMs) throw new OppoError(CODES.INVALID_AUTH_TOKEN, 'token expired');
    if (this.settings.tokenScopedToRegion && entry.region !== region) throw new OppoError(CODES.INVALID_AUTH_TOKEN, 'token issued for the other region');
    const app = this.appsById.get(entry.appId);
    if (!app) throw new OppoError(CODES.INVALID_AUTH_TOKEN);
    return app;
  }

  private pruneTokens(now: number): void {
    for (const [token, entry] of this.tokens) {
      if (now - entry.createdAt >= this.settings.tokenTtlMs) this.tokens.delete(token);
    }
  }

  // ---- device side --------------------------------------------------------------------------

  /** A phone's push service says hello; queued messages still within their TTL go out at once. */
  connectDevice(deviceId: string, region: Region, sink: DeviceSink): void {
    const now = this.clock.now();
    let device = this.devices.get(deviceId);
    if (!device) {
      device = { deviceId, region, lastSeen: now };
      this.devices.set(deviceId, device);
    }
    if (device.sink && device.sink !== sink) device.sink.close('replaced by a newer connection of the same device');
    device.sink = sink;
    device.region = region;
    device.connectedAt = now;
    device.lastSeen = now;
    this.emit('device', { deviceId, connected: true });
    for (const reg of this.registrations.values()) {
      if (reg.deviceId === deviceId && reg.state === 'active') this.flushQueue(reg);
    }
  }

  disconnectDevice(deviceId: string, sink: DeviceSink): void {
    const device = this.devices.get(deviceId);
    if (!device || device.sink !== sink) return;
    device.sink = undefined;
    device.lastSeen = this.clock.now();
    this.emit('device', { deviceId, connected: false });
  }

  isConnected(deviceId: string): boolean {
    return this.devices.get(deviceId)?.sink !== undefined;
  }

  /**
   * The push service registers an app (AppKey + AppSecret + package). The same device and package
   * keep their regId until unregister/uninstall. [uncertain] client-side codes: 14 unknown AppKey,
   * 16 wrong AppSecret, 41 package not the app's.
   */
  register(deviceId: string, region: Region, appKey: string, appSecret: string, packageName: string): Registration {
    const app = this.appsByKey.get(appKey);
    if (!app) throw new OppoError(CODES.INVALID_APP_KEY);
    if (app.appSecret !== appSecret) throw new OppoError(CODES.INVALID_SIGNATURE, 'AppSecret does not match the AppKey');
    if (app.packageName !== undefined && app.packageName !== packageName) {
      throw new OppoError(CODES.INVALID_ARGUMENTS, `package ${packageName} is not the app's package ${app.packageName}`);
    }
    return this.registerFor(app, deviceId, region, packageName);
  }

  /** Registration without a device link (control API, tests): the device simply stays offline until it connects. */
  registerFor(app: App, deviceId: string, region: Region, packageName = app.packageName ?? 'com.example.app'): Registration {
    const key = `${deviceId}\u0000${packageName}`;
    const existing = this.regByDevicePackage.get(key);
    const current = existing ? this.registrations.get(existing) : undefined;
    if (current && current.state === 'active' && current.appId === app.appId && current.region === region) return current;
    if (current && current.state === 'active') this.invalidate(current, 'unregistered');
    const reg: Registration = {
      regId: formatRegId(region, this.ids.hex(32)),
      appId: app.appId,
      deviceId,
      packageName,
      region,
      state: 'active',
      createdAt: this.clock.now(),
      tags: new Set(),
      queue: [],
      queuedCount: 0,
      queuedByNotifyId: new Map(),
    };
    this.registrations.set(reg.regId, reg);
    this.regByDevicePackage.set(key, reg.regId);
    if (!this.devices.has(deviceId)) this.devices.set(deviceId, { deviceId, region, lastSeen: this.clock.now() });
    return reg;
  }

  /** App-side unregister or uninstall: the regId is dead for later sends, queued messages are dropped. */
  unregisterPackage(deviceId: string, packageName: string, how: 'unregistered' | 'uninstalled'): Registration | undefined {
    const regId = this.regByDevicePackage.get(`${deviceId}\u0000${packageName}`);
    const reg = regId ? this.registrations.get(regId) : undefined;
    if (!reg || reg.state !== 'active') return undefined;
    this.invalidate(reg, how);
    return reg;
  }

  invalidateRegId(regId: string, how: 'unregistered' | 'uninstalled'): Registration | undefined {
    const reg = this.registrations.get(regId);
    if (!reg || reg.state !== 'active') return undefined;
    this.invalidate(reg, how);
    return reg;
  }

  private invalidate(reg: Registration, how: 'unregistered' | 'uninstalled'): void {
    reg.state = how;
    reg.invalidatedAt = this.clock.now();
    if (reg.alias !== undefined) {
      this.aliases.get(reg.appId)?.delete(reg.alias);
      reg.alias = undefined;
    }
    const list = this.invalidFeedback.get(reg.appId);
    if (list) list.push(reg.regId);
    else this.invalidFeedback.set(reg.appId, [reg.regId]);
    const queued = reg.queue;
    reg.queue = [];
    for (const target of queued) {
      if (target.state !== 'queued') continue;
      this.finish(target, 'dropped', 'regid_invalid');
      this.sendReceipt(target, 'regid_invalid');
    }
  }

  /** The phone's ack: `push_arrive` receipt and target state acked (with what the phone did with it). */
  ack(deviceId: string, messageId: string, regId: string, displayed: boolean, reason?: string): boolean {
    const reg = this.registrations.get(regId);
    if (!reg || reg.deviceId !== deviceId) return false;
    const key = ackKey(messageId, regId);
    const target = this.awaitingAck.get(key);
    if (!target) return false;
    this.awaitingAck.delete(key);
    target.displayed = displayed;
    this.setState(target, 'acked', displayed ? 'displayed' : `dropped_on_device${reason ? `:${reason}` : ''}`);
    this.sendReceipt(target, 'push_arrive');
    return true;
  }

  // ---- push API -----------------------------------------------------------------------------

  unicast(app: App, region: Region, input: UnicastInput, endpoint = 'unicast'): MessageRecord {
    const classification = this.classify(app, input.spec);
    if (input.targetType !== 2 && input.targetType !== 5) {
      throw new OppoError(CODES.INVALID_ARGUMENTS, 'target_type must be 2 (registration_id) or 5 (alias)');
    }
    const dupKey = input.spec.appMessageId !== undefined ? unicastDupKey(app.appId, input.spec.appMessageId, input.targetValue) : undefined;
    const dup = dupKey ? this.dedupe.get(dupKey) : undefined;
    if (dup) {
      if (this.settings.duplicateAppMessageId === 'reject') throw new OppoError(CODES.DATA_DUPLICATE, 'app_message_id already pushed to this target');
      return dup as MessageRecord;
    }
    // One reading of the clock for the whole call: the message, its target and its first states share the instant.
    const now = this.clock.now();
    this.takeFlow(app, 1, now);
    const messageId = `${app.appId}-1-1-${this.ids.objectId(now)}`;
    const message = this.newMessage(app, region, 'unicast', messageId, messageId, input.spec, classification, input.verifyRegistrationId, now);
    const resolved = this.resolveTarget(app, region, input.targetType, input.targetValue, endpoint);
    const target = this.newTarget(message, input.targetType as 2 | 5, input.targetValue);
    if (typeof resolved === 'number') {
      this.setState(target, 'rejected', CODE_MESSAGES[resolved], resolved);
      this.store(message);
      throw new OppoError(resolved);
    }
    target.registrationId = resolved.regId;
    target.registration = resolved;
    if (classification === 'public') {
      try {
        this.takeQuota(app, 1);
      } catch (err) {
        this.setState(target, 'rejected', CODE_MESSAGES[CODES.DAILY_LIMIT], CODES.DAILY_LIMIT);
        this.store(message);
        throw err;
      }
    }
    this.store(message);
    if (dupKey) this.dedupe.set(dupKey, message);
    this.dispatch(app, target, resolved, now);
    return message;
  }

  /** Per-item outcomes; an item the wire already refused comes in as its OppoError. */
  unicastBatch(app: App, region: Region, items: Array<UnicastInput | { error: OppoError; targetValue: string }>): BatchItemResult[] {
    return items.map((item) => {
      if ('error' in item) return { registrationId: item.targetValue, errorCode: item.error.code, errorMessage: item.error.message };
      try {
        const message = this.unicast(app, region, item, 'unicast_batch');
        return { messageId: message.messageId, registrationId: message.targets[0]!.registrationId ?? item.targetValue };
      } catch (err) {
        if (!(err instanceof OppoError)) throw err;
        return { registrationId: item.targetValue, errorCode: err.code, errorMessage: err.message };
      }
    });
  }

  saveMessageContent(app: App, region: Region, spec: NotificationSpec): SavedContent {
    const classification = this.classify(app, spec);
    const dupKey = spec.appMessageId !== undefined ? `s\u0000${app.appId}\u0000${spec.appMessageId}` : undefined;
    const dup = dupKey ? this.dedupe.get(dupKey) : undefined;
    if (dup) {
      if (this.settings.duplicateAppMessageId === 'reject') throw new OppoError(CODES.DATA_DUPLICATE, 'app_message_id already saved');
      return dup as SavedContent;
    }
    const saved: SavedContent = { messageId: this.ids.objectId(this.clock.now()), appId: app.appId, region, spec, classification, createdAt: this.clock.now() };
    this.saved.set(saved.messageId, saved);
    if (dupKey) this.dedupe.set(dupKey, saved);
    return saved;
  }

  broadcast(app: App, region: Region, messageId: string, targetType: number, targetValue: string | undefined): BroadcastResult {
    const content = this.saved.get(messageId);
    if (!content || content.appId !== app.appId) throw new OppoError(CODES.DATA_NOT_EXIST, `message_id ${messageId} was not saved by this app`);
    if (![1, 2, 5, 6].includes(targetType)) throw new OppoError(CODES.INVALID_ARGUMENTS, 'target_type must be 1, 2, 5 or 6');
    if (targetType !== 1 && (content.spec.pushTimeType === 1 || content.spec.fixSpeed)) {
      throw new OppoError(CODES.INVALID_ARGUMENTS, 'push_time_type and fix_speed are for broadcast to all users only');
    }
    const invalid: Record<string, string[]> = {};
    const refuse = (code: OppoCode, value: string) => (invalid[code] ??= []).push(value);
    const accepted: Array<{ value: string; reg: Registration }> = [];
    if (targetType === 1) {
      for (const reg of this.registrations.values()) {
        if (reg.appId === app.appId && reg.region === region && reg.state === 'active') accepted.push({ value: reg.regId, reg });
      }
    } else {
      if (!targetValue) throw new OppoError(CODES.MISSING_ARGUMENTS, 'target_value is required for target_type 2, 5 and 6');
      if (targetType === 6) {
        for (const reg of this.matchTags(app, region, targetValue)) accepted.push({ value: reg.regId, reg });
      } else {
        const values = targetValue.split(';').filter((v) => v.length > 0);
        if (values.length === 0) throw new OppoError(CODES.MISSING_ARGUMENTS, 'target_value is empty');
        if (values.length > LIMITS.targetsPerCall) throw new OppoError(CODES.INVALID_ARGUMENTS, `at most ${LIMITS.targetsPerCall} targets per call`);
        const seen = new Set<string>();
        for (const value of values) {
          if (seen.has(value)) {
            refuse(targetType === 2 ? CODES.REGID_REPEAT : CODES.ALIAS_REPEAT, value);
            continue;
          }
          seen.add(value);
          const resolved = this.resolveTarget(app, region, targetType, value, 'broadcast');
          if (typeof resolved === 'number') refuse(resolved, value);
          else accepted.push({ value, reg: resolved });
        }
      }
    }
    const now = this.clock.now();
    this.takeFlow(app, Math.max(1, accepted.length), now);
    if (content.classification === 'public') this.takeQuota(app, accepted.length);
    const taskId = this.ids.objectId(now);
    const message = this.newMessage(app, region, 'broadcast', content.messageId, taskId, content.spec, content.classification, false, now);
    message.invalidTargets = invalid;
    for (const [code, values] of Object.entries(invalid)) {
      for (const value of values) this.setState(this.newTarget(message, targetType as 2 | 5, value), 'rejected', CODE_MESSAGES[Number(code) as OppoCode], Number(code));
    }
    this.store(message);
    for (const { value, reg } of accepted) {
      const target = this.newTarget(message, targetType as 1 | 2 | 5 | 6, value);
      target.registrationId = reg.regId;
      target.registration = reg;
      this.dispatch(app, target, reg, now);
    }
    return { messageId: content.messageId, taskId, invalid };
  }

  /** Broadcast counters ([uncertain] endpoint; the shape a third-party SDK parses). `openCount` stays 0: phones report no clicks. */
  statistics(app: App, messageId: string, taskId?: string): Record<string, number | string> {
    const message = this.messages.findLast(
      (m) => m.appId === app.appId && m.messageId === messageId && (taskId === undefined || m.taskId === taskId),
    );
    if (!message) throw new OppoError(CODES.DATA_NOT_EXIST, 'no such message_id/task_id');
    const count = (pred: (t: TargetRecord) => boolean) => message.targets.filter(pred).length;
    return {
      message_id: message.messageId,
      task_id: message.taskId,
      targetCount: message.targets.length,
      validCount: count((t) => t.state !== 'rejected'),
      sendCount: count((t) => t.state === 'delivered' || t.state === 'acked'),
      arriveCount: count((t) => t.state === 'acked'),
      showCount: count((t) => t.state === 'acked' && t.displayed === true),
      openCount: 0,
    };
  }

  fetchInvalidRegIds(app: App): string[] {
    const list = this.invalidFeedback.get(app.appId) ?? [];
    if (this.settings.feedbackClearsOnFetch) this.invalidFeedback.delete(app.appId);
    return [...list];
  }

  // ---- aliases and tags (device host) -------------------------------------------------------

  /** One alias ↔ one regId; the latest binding wins on both sides. */
  setAlias(app: App, regId: string, alias: string): void {
    this.checkAlias(alias);
    const reg = this.activeRegistration(app, 'CN', regId);
    const map = this.aliasMap(app);
    const previousHolder = map.get(alias);
    if (previousHolder !== undefined) {
      const prev = this.registrations.get(previousHolder);
      if (prev) prev.alias = undefined;
    }
    if (reg.alias !== undefined) map.delete(reg.alias);
    map.set(alias, reg.regId);
    reg.alias = alias;
  }

  deleteAlias(app: App, alias: string): void {
    this.checkAlias(alias);
    const map = this.aliasMap(app);
    const regId = map.get(alias);
    if (regId === undefined) throw new OppoError(CODES.ALIAS_UNSUBSCRIBED);
    map.delete(alias);
    const reg = this.registrations.get(regId);
    if (reg) reg.alias = undefined;
  }

  addTags(app: App, names: string[], desc: string, group?: string): void {
    const defs = this.tagMap(app);
    for (const name of names) defs.set(name, { desc, ...(group !== undefined ? { group } : {}) });
  }

  /** [uncertain] subscribing to a tag the app never created answers 31 Data Not Exist. */
  subscribeTags(app: App, regId: string, names: string[], subscribe: boolean): void {
    const reg = this.activeRegistration(app, 'CN', regId);
    const defs = this.tagMap(app);
    const unknown = names.filter((n) => !defs.has(n));
    if (unknown.length > 0) throw new OppoError(CODES.DATA_NOT_EXIST, `unknown tags: ${unknown.join(';')}`);
    for (const name of names) {
      if (subscribe) reg.tags.add(name);
      else reg.tags.delete(name);
    }
  }

  tagsOf(app: App, regId: string): string[] {
    return [...this.activeRegistration(app, 'CN', regId).tags];
  }

  private checkAlias(alias: string): void {
    if (isBadAlias(alias)) throw new OppoError(CODES.INVALID_ALIAS);
  }

  private aliasMap(app: App): Map<string, string> {
    let map = this.aliases.get(app.appId);
    if (!map) this.aliases.set(app.appId, (map = new Map()));
    return map;
  }

  private tagMap(app: App): Map<string, { desc: string; group?: string }> {
    let map = this.tagDefs.get(app.appId);
    if (!map) this.tagDefs.set(app.appId, (map = new Map()));
    return map;
  }

  private activeRegistration(app: App, region: Region, regId: string): Registration {
    const resolved = this.resolveRegId(app, region, regId);
    if (typeof resolved === 'number') throw new OppoError(resolved);
    return resolved;
  }

  /** `{"or":[…],"and":[…],"not":[…]}` → (OR set) ∩ (AND set) ∩ ¬(NOT set); a missing part does not restrict. */
  private matchTags(app: App, region: Region, expression: string): Registration[] {
    let expr: unknown;
    try {
      expr = JSON.parse(expression);
    } catch {
      throw new OppoError(CODES.INVALID_ARGUMENTS, 'target_value for target_type 6 must be a JSON tag expression');
    }
    if (typeof expr !== 'object' || expr === null || Array.isArray(expr)) throw new OppoError(CODES.INVALID_ARGUMENTS, 'tag expression must be an object');
    const part = (key: string): string[] | undefined => {
      const value = (expr as Record<string, unknown>)[key];
      if (value === undefined) return undefined;
      if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) throw new OppoError(CODES.INVALID_ARGUMENTS, `tag expression "${key}" must be an array of tag names`);
      return value as string[];
    };
    const or = part('or');
    const and = part('and');
    const not = part('not');
    if (!or && !and) throw new OppoError(CODES.INVALID_ARGUMENTS, 'tag expression needs "or" or "and"');
    const out: Registration[] = [];
    for (const reg of this.registrations.values()) {
      if (reg.appId !== app.appId || reg.region !== region || reg.state !== 'active') continue;
      if (or && !or.some((t) => reg.tags.has(t))) continue;
      if (and && !and.every((t) => reg.tags.has(t))) continue;
      if (not && not.some((t) => reg.tags.has(t))) continue;
      out.push(reg);
    }
    return out;
  }

  // ---- classification, quotas, flow control ------------------------------------------------

  /**
   * Private (Communication & Service) needs a released, approved app and one of its private
   * channels. [uncertain] a private category without that, and a strong reminder (notify_level 16)
   * on a public message, answer 67 rather than silently counting as public.
   */
  classify(app: App, spec: NotificationSpec): Classification {
    const { category, notifyLevel, channelId, showTtl } = spec.notification;
    let privateChannel = false;
    if (channelId !== undefined) {
      for (const c of app.channels) if (c.id === channelId) privateChannel = c.private === true && canSendPrivate(app);
    }
    let classification: Classification;
    if (category !== undefined && PRIVATE_CATEGORIES.has(category)) {
      if (!privateChannel) throw new OppoError(CODES.CATEGORY_ERROR, `category ${category} needs an approved private channel`);
      classification = 'private';
    } else if (category !== undefined && PUBLIC_CATEGORIES.has(category)) {
      classification = 'public';
    } else {
      classification = privateChannel ? 'private' : 'public';
    }
    if (notifyLevel === STRONG_REMINDER_LEVEL && classification === 'public') {
      throw new OppoError(CODES.CATEGORY_ERROR, 'notify_level 16 is for private messages only');
    }
    if (this.settings.showTtlRule === 'new' && showTtl !== undefined && classification === 'public' && showTtl > LIMITS.showTtlPublicMax) {
      throw new OppoError(CODES.INVALID_ARGUMENTS, `show_ttl of a public message must be ≤ ${LIMITS.showTtlPublicMax}`);
    }
    return classification;
  }

  /** QPS counted in targets per second per app, all endpoints together. */
  private takeFlow(app: App, targets: number, now: number): void {
    const second = Math.floor(now / 1000);
    let counter = this.qpsWindow.get(app.appId);
    if (!counter || counter.key !== second) this.qpsWindow.set(app.appId, (counter = { key: second, count: 0 }));
    if (counter.count + targets > qpsLimit(app, this.settings.qpsFactor)) throw new OppoError(this.settings.flowControlCode);
    counter.count += targets;
  }

  private takeQuota(app: App, targets: number): void {
    const day = dayKey(this.clock.now());
    let counter = this.quotaUsed.get(app.appId);
    if (!counter || counter.key !== day) this.quotaUsed.set(app.appId, (counter = { key: day, count: 0 }));
    if (counter.count + targets > dailyPublicQuota(app)) throw new OppoError(CODES.DAILY_LIMIT);
    counter.count += targets;
  }

  quotaStatus(app: App): QuotaStatus {
    const day = dayKey(this.clock.now());
    const counter = this.quotaUsed.get(app.appId);
    return {
      day,
      publicUsed: counter?.key === day ? counter.count : 0,
      publicLimit: dailyPublicQuota(app),
      qpsLimit: qpsLimit(app, this.settings.qpsFactor),
      perDevicePublicDaily: perDeviceDailyPublic(app),
    };
  }

  // ---- targets and delivery -----------------------------------------------------------------

  private resolveTarget(app: App, region: Region, targetType: number, value: string, endpoint: string): Registration | OppoCode {
    if (targetType === 5) return this.resolveAlias(app, value);
    const resolved = this.resolveRegId(app, region, value);
    if (typeof resolved !== 'number' && !this.faults.empty) {
      const fault = this.faults.take(['target'], { endpoint, appId: app.appId, appKey: app.appKey, regIds: [value] });
      if (fault?.code !== undefined) return fault.code;
    }
    return resolved;
  }

  /** Malformed, unknown or other-region regIds → 10000; unregistered/uninstalled → 10001. */
  private resolveRegId(app: App, region: Region, regId: string): Registration | OppoCode {
    const reg = this.registrations.get(regId);
    // The mock's own regIds are well formed by construction, so only unknown ones need the format rules.
    if (!reg && (!isWellFormedRegId(regId) || regionOfRegId(regId) !== region)) return CODES.INVALID_REGID;
    if (!reg || reg.appId !== app.appId || reg.region !== region) return CODES.INVALID_REGID;
    if (reg.state !== 'active') return CODES.REGID_UNSUBSCRIBED;
    return reg;
  }

  private resolveAlias(app: App, alias: string): Registration | OppoCode {
    if (isBadAlias(alias)) return CODES.INVALID_ALIAS;
    const regId = this.aliases.get(app.appId)?.get(alias);
    const reg = regId !== undefined ? this.registrations.get(regId) : undefined;
    if (!reg || reg.state !== 'active') return CODES.ALIAS_UNSUBSCRIBED;
    return reg;
  }

  private newMessage(
    app: App, region: Region, kind: 'unicast' | 'broadcast', messageId: string, taskId: string,
    spec: NotificationSpec, classification: Classification, verifyRegistrationId: boolean, now: number,
  ): MessageRecord {
    return {
      messageId, taskId, appId: app.appId, region, kind, appMessageId: spec.appMessageId, classification, createdAt: now, spec,
      verifyRegistrationId, targets: [], invalidTargets: undefined, evicted: undefined,
    };
  }

  private newTarget(message: MessageRecord, targetType: 1 | 2 | 5 | 6, targetValue: string): TargetRecord {
    // Every field present from the start: one object shape for all targets (they are made per request).
    const target: TargetRecord = {
      targetType, targetValue, registrationId: undefined, registration: undefined, state: 'accepted', reason: undefined, code: undefined,
      displayed: undefined, history: [{ at: message.createdAt, state: 'accepted' }],
      notifyId: message.spec.notification.notifyId ?? ++this.notifySeq, message, deadline: undefined,
    };
    // Literal arrays for the first entries: a pushed-to empty array reserves 16 slots, and up to
    // `messageRetention` messages stay in memory.
    if (message.targets.length === 0) message.targets = [target];
    else message.targets.push(target);
    if (this.listenerCount('target') > 0) this.emit('target', { messageId: message.messageId, taskId: message.taskId, targetValue, ...target.history[0] });
    return target;
  }

  /** Keeps the newest `messageRetention` messages; evicted ones still queued are dropped (reason `evicted`) and never delivered. */
  private store(message: MessageRecord): void {
    const oldest = this.messages.push(message);
    if (!oldest) return;
    oldest.evicted = true;
    for (const t of oldest.targets) {
      if (t.state === 'queued') {
        // No history entry: the record itself is being forgotten.
        t.deadline?.cancel();
        this.countQueued(t, false);
        t.state = 'dropped';
        t.reason = 'evicted';
      }
      if (t.state === 'delivered') this.awaitingAck.delete(ackKey(oldest.messageId, t.registrationId));
    }
    if (oldest.appMessageId !== undefined) {
      for (const t of oldest.targets) this.dedupe.delete(unicastDupKey(oldest.appId, oldest.appMessageId, t.targetValue));
    }
  }

  private dispatch(app: App, target: TargetRecord, reg: Registration, now: number): void {
    const message = target.message;
    if (message.classification === 'public') {
      const day = dayKey(now);
      let counter = this.deviceDaily.get(reg.regId);
      if (!counter || counter.key !== day) this.deviceDaily.set(reg.regId, (counter = { key: day, count: 0 }));
      if (counter.count >= perDeviceDailyPublic(app)) {
        this.finish(target, 'dropped', 'user_daily_limit');
        this.sendReceipt(target, 'user_daily_limit');
        return;
      }
      counter.count++;
    }
    const device = this.devices.get(reg.deviceId);
    if (!device?.sink && !message.spec.offLine) {
      this.finish(target, 'dropped', 'device_offline_and_off_line_false');
      return;
    }
    // notify_id replacement: a newer message with the same notify_id supersedes one still waiting.
    const superseded = reg.queuedByNotifyId.get(target.notifyId);
    if (superseded) this.finish(superseded, 'dropped', `replaced_by:${message.messageId}`);
    if (device?.sink && this.tryDeliver(target, reg, device.sink)) return;
    this.enqueue(target, reg, now);
  }

  private enqueue(target: TargetRecord, reg: Registration, now: number): void {
    const { spec } = target.message;
    if (spec.showTimeType === 1 && now > spec.notification.showEndTime!) {
      this.finish(target, 'expired', 'show_window_passed');
      return;
    }
    const waitingWindow = spec.showTimeType === 1 && now < spec.notification.showStartTime!;
    this.setState(target, 'queued', waitingWindow ? 'waiting_show_window' : 'device_offline', undefined, now);
    reg.queue.push(target);
    if (reg.queue.length > 64 && reg.queue.length > 2 * reg.queuedCount) reg.queue = reg.queue.filter((t) => t.state === 'queued');
    const expiresAt = offlineExpiry(target.message);
    if (waitingWindow) {
      const start = spec.notification.showStartTime!;
      target.deadline = this.deadlines.at(Math.min(start, expiresAt), this.onShowWindowOpen, target);
    } else {
      target.deadline = this.deadlines.batched(expiresAt, this.onOfflineTtl, target);
    }
  }

  private readonly onShowWindowOpen = (target: TargetRecord): void => {
    target.deadline = undefined;
    const reg = target.registration!;
    if (target.state !== 'queued' || target.message.evicted) return;
    const sink = this.devices.get(reg.deviceId)?.sink;
    if (sink && this.tryDeliver(target, reg, sink)) return;
    const expiresAt = offlineExpiry(target.message);
    if (this.clock.now() >= expiresAt) {
      this.finish(target, 'expired', 'off_line_ttl');
      return;
    }
    this.setState(target, 'queued', 'device_offline');
    target.deadline = this.deadlines.batched(expiresAt, this.onOfflineTtl, target);
  };

  private readonly onOfflineTtl = (target: TargetRecord): void => {
    target.deadline = undefined;
    if (target.state === 'queued') this.finish(target, 'expired', 'off_line_ttl');
  };

  /** Hands the target to the phone unless its show window is still ahead (false) or already over (expired). */
  private tryDeliver(target: TargetRecord, reg: Registration, sink: DeviceSink): boolean {
    const { spec } = target.message;
    const now = this.clock.now();
    if (spec.showTimeType === 1) {
      if (now < spec.notification.showStartTime!) return false;
      if (now > spec.notification.showEndTime!) {
        this.finish(target, 'expired', 'show_window_passed');
        return true;
      }
    }
    if (now > offlineExpiry(target.message) && target.state === 'queued') {
      this.finish(target, 'expired', 'off_line_ttl');
      return true;
    }
    target.deadline?.cancel();
    target.deadline = undefined;
    sink.send({
      op: 'notification',
      messageId: target.message.messageId,
      taskId: target.message.taskId,
      registrationId: reg.regId,
      packageName: reg.packageName,
      verifyRegistrationId: target.message.verifyRegistrationId,
      notification: { ...spec.notification, notifyId: target.notifyId },
    });
    this.setState(target, 'delivered');
    this.awaitingAck.set(ackKey(target.message.messageId, reg.regId), target);
    return true;
  }

  private flushQueue(reg: Registration): void {
    const sink = this.devices.get(reg.deviceId)?.sink;
    if (!sink) return;
    const waiting = reg.queue;
    reg.queue = [];
    for (const target of waiting) {
      if (target.state !== 'queued' || target.message.evicted) continue;
      if (!this.tryDeliver(target, reg, sink)) reg.queue.push(target);
    }
  }

  private finish(target: TargetRecord, state: TargetState, reason: string): void {
    target.deadline?.cancel();
    target.deadline = undefined;
    this.setState(target, state, reason);
  }

  private setState(target: TargetRecord, state: TargetState, reason?: string, code?: number, now = this.clock.now()): void {
    const was = target.state;
    if ((was === 'queued') !== (state === 'queued')) this.countQueued(target, state === 'queued');
    target.state = state;
    target.reason = reason;
    if (code !== undefined) target.code = code;
    const change: StateChange = { at: now, state };
    if (reason !== undefined) change.reason = reason;
    if (code !== undefined) change.code = code;
    if (target.history.length < 4) target.history = [...target.history, change];
    else target.history.push(change);
    if (this.listenerCount('target') > 0) {
      this.emit('target', { messageId: target.message.messageId, taskId: target.message.taskId, registrationId: target.registrationId, targetValue: target.targetValue, ...change });
    }
  }

  private countQueued(target: TargetRecord, entering: boolean): void {
    const reg = target.registration;
    if (!reg) return;
    // Only a notify_id from the request can repeat; generated ones are unique, so they stay out of the index.
    const indexed = target.message.spec.notification.notifyId !== undefined;
    if (entering) {
      reg.queuedCount++;
      if (indexed) reg.queuedByNotifyId.set(target.notifyId, target);
    } else {
      reg.queuedCount--;
      if (indexed && reg.queuedByNotifyId.get(target.notifyId) === target) reg.queuedByNotifyId.delete(target.notifyId);
    }
  }

  /** Receipts go only to regId-addressed targets of messages with a `call_back_url`. */
  private sendReceipt(target: TargetRecord, eventType: ReceiptEvent): void {
    const { message } = target;
    const url = message.spec.callBackUrl;
    if (url === undefined || target.targetType !== 2 || target.registrationId === undefined) return;
    this.receipts.emit(url, {
      messageId: message.messageId,
      appId: message.appId,
      taskId: message.taskId,
      registrationIds: target.registrationId,
      eventTime: String(this.clock.now()),
      param: message.spec.callBackParameter ?? '',
      eventType,
    });
  }

  // ---- inspection (control API) -------------------------------------------------------------

  findMessage(id: string): MessageRecord | undefined {
    return this.messages.findLast((m) => m.taskId === id) ?? this.messages.findLast((m) => m.messageId === id);
  }

  listMessages(filter: { appId?: string; regId?: string; appMessageId?: string; messageId?: string; state?: string } = {}): MessageRecord[] {
    const out: MessageRecord[] = [];
    for (const m of this.messages.toArray()) {
      if (filter.appId !== undefined && m.appId !== filter.appId) continue;
      if (filter.appMessageId !== undefined && m.appMessageId !== filter.appMessageId) continue;
      if (filter.messageId !== undefined && m.messageId !== filter.messageId) continue;
      if (filter.regId !== undefined && !m.targets.some((t) => t.registrationId === filter.regId || t.targetValue === filter.regId)) continue;
      if (filter.state !== undefined && !m.targets.some((t) => t.state === filter.state)) continue;
      out.push(m);
    }
    return out;
  }

  listRegistrations(filter: { appId?: string; deviceId?: string; state?: string } = {}): Registration[] {
    return [...this.registrations.values()].filter(
      (r) => (filter.appId === undefined || r.appId === filter.appId)
        && (filter.deviceId === undefined || r.deviceId === filter.deviceId)
        && (filter.state === undefined || r.state === filter.state),
    );
  }

  registration(regId: string): Registration | undefined {
    return this.registrations.get(regId);
  }

  listDevices(): DeviceView[] {
    return [...this.devices.values()].map((d) => ({
      deviceId: d.deviceId, region: d.region, connected: d.sink !== undefined,
      ...(d.connectedAt !== undefined ? { connectedAt: d.connectedAt } : {}), lastSeen: d.lastSeen,
    }));
  }
}
