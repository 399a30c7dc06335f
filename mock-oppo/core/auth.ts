/** Auth tokens: the `auth` call's checks, issued tokens and their lifetime. */
import type { App } from './apps.ts';
import type { AppRegistry } from './app-registry.ts';
import type { Clock } from './clock.ts';
import { CODES, OppoError } from './codes.ts';
import type { IdGenerator } from './ids.ts';
import type { Region } from './region.ts';
import type { MockSettings } from './settings.ts';
import { authSign } from './sign.ts';

interface Token {
  appId: string;
  region: Region;
  createdAt: number;
  /** Set by a control call that expires the app's tokens before their TTL. */
  revoked?: boolean;
}

/** Past this many live tokens, expired ones are swept on the next issue. */
const PRUNE_ABOVE = 10_000;

export class Auth {
  private readonly tokens = new Map<string, Token>();

  constructor(
    private readonly clock: Clock,
    private readonly settings: MockSettings,
    private readonly ids: IdGenerator,
    private readonly apps: AppRegistry,
  ) {}

  /** `sign` = sha256(app_key + timestamp + master_secret); the checks run missing-first, then validity. */
  authenticate(region: Region, appKey?: string, timestamp?: string, sign?: string): { authToken: string; createTime: number } {
    if (!appKey) throw new OppoError(CODES.MISSING_APP_KEY);
    if (!sign) throw new OppoError(CODES.MISSING_SIGNATURE);
    if (!timestamp) throw new OppoError(CODES.MISSING_TIMESTAMP);
    const app = this.apps.byKey(appKey);
    if (!app) throw new OppoError(CODES.INVALID_APP_KEY);
    const now = this.clock.now();
    const ts = /^\d{1,16}$/.test(timestamp) ? Number(timestamp) : NaN;
    if (!Number.isSafeInteger(ts) || Math.abs(now - ts) > this.settings.authTimestampWindowMs) {
      throw new OppoError(CODES.INVALID_TIMESTAMP, 'timestamp must be epoch ms within 10 minutes of server time');
    }
    const expected = authSign(appKey, timestamp, app.masterSecret);
    if (sign.toLowerCase() !== expected) throw new OppoError(CODES.INVALID_SIGNATURE);
    if (this.tokens.size > PRUNE_ABOVE) this.prune(now);
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
    if (entry.revoked || this.clock.now() - entry.createdAt >= this.settings.tokenTtlMs) throw new OppoError(CODES.INVALID_AUTH_TOKEN, 'token expired');
    if (this.settings.tokenScopedToRegion && entry.region !== region) throw new OppoError(CODES.INVALID_AUTH_TOKEN, 'token issued for the other region');
    const app = this.apps.byId(entry.appId);
    if (!app) throw new OppoError(CODES.INVALID_AUTH_TOKEN);
    return app;
  }

  /** Expires every live token of an app now (as if its 24 h had run out); returns how many. */
  expireTokens(appId: string): number {
    let count = 0;
    const now = this.clock.now();
    for (const entry of this.tokens.values()) {
      if (entry.appId !== appId || entry.revoked || now - entry.createdAt >= this.settings.tokenTtlMs) continue;
      entry.revoked = true;
      count++;
    }
    return count;
  }

  private prune(now: number): void {
    for (const [token, entry] of this.tokens) {
      if (entry.revoked || now - entry.createdAt >= this.settings.tokenTtlMs) this.tokens.delete(token);
    }
  }
}
