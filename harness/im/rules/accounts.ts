/** Imported accounts, and the tickets a REST `kick` invalidated. */
import type { Clock } from '../../../mock-oppo/core/clock.ts';
import { verifyUserSig, type VerifyResult } from '../usersig.ts';

export interface ImApp {
  sdkAppId: number;
  secretKey: string;
  /** The app administrator's UserID (REST `identifier`). */
  admin: string;
}

export interface Account {
  userId: string;
  nick?: string;
  faceUrl?: string;
  importedAt: number;
  /** Epoch ms of the last REST kick: UserSigs issued (TLS.time) before it no longer log in. */
  kickedAt?: number;
}

export class AccountStore {
  private readonly accounts = new Map<string, Account>();

  constructor(
    private readonly clock: Clock,
    private readonly app: ImApp,
    private readonly opts: { kickedUserSigCode: number; userSigFutureSkewMs: number },
  ) {
    this.import(app.admin);
  }

  /** Only the admin and `initial` again (kick marks gone). */
  reset(initial: ReadonlyArray<{ userId: string; nick?: string }>): void {
    this.accounts.clear();
    this.import(this.app.admin);
    for (const a of initial) this.import(a.userId, a.nick === undefined ? {} : { nick: a.nick });
  }

  /** Idempotent, as `account_import` is; a given Nick/FaceUrl replaces the stored one. */
  import(userId: string, profile: { nick?: string; faceUrl?: string } = {}): Account {
    const existing = this.accounts.get(userId);
    const account: Account = { ...(existing ?? { userId, importedAt: this.clock.now() }) };
    if (profile.nick !== undefined) account.nick = profile.nick;
    if (profile.faceUrl !== undefined) account.faceUrl = profile.faceUrl;
    this.accounts.set(userId, account);
    return account;
  }

  get(userId: string): Account | undefined {
    return this.accounts.get(userId);
  }

  has(userId: string): boolean {
    return this.accounts.has(userId);
  }

  list(): Account[] {
    return [...this.accounts.values()];
  }

  isAdmin(userId: string): boolean {
    return userId === this.app.admin;
  }

  markKicked(userId: string): void {
    const account = this.accounts.get(userId);
    if (account) account.kickedAt = this.clock.now();
  }

  /**
   * Verifies `userSig` for `userId` now, including the kick rule. TLS.time has second
   * granularity, so a ticket issued in the very second of the kick counts as issued after it
   * (a spec that kicks and re-signs on a frozen clock gets a working new ticket).
   */
  verify(userSig: string, userId: string): VerifyResult {
    const result = verifyUserSig(userSig, {
      sdkAppId: this.app.sdkAppId,
      secretKey: this.app.secretKey,
      userId,
      now: this.clock.now(),
      futureSkewMs: this.opts.userSigFutureSkewMs,
    });
    if (!result.ok) return result;
    const kickedAt = this.accounts.get(userId)?.kickedAt;
    if (kickedAt !== undefined && result.ticket.time < Math.floor(kickedAt / 1000)) {
      return { ok: false, code: this.opts.kickedUserSigCode, message: 'UserSig issued before the account was kicked; issue a new UserSig' };
    }
    return result;
  }
}
