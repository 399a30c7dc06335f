/** Imported accounts, and the tickets a REST `kick` invalidated. */
import type { Clock } from '../../../mock-oppo/core/clock.ts';
import { ImError } from '../errors.ts';
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
  /** portrait_set fields other than Nick/FaceUrl (Tag_Profile_IM_Gender, Tag_Profile_Custom_*, ...). */
  profile?: Record<string, string>;
}

/** Profile tags stored on the account itself; the rest go to `profile`. */
export const NICK_TAG = 'Tag_Profile_IM_Nick';
export const IMAGE_TAG = 'Tag_Profile_IM_Image';

export class AccountStore {
  private readonly accounts = new Map<string, Account>();
  /** account_delete: UserID → epoch ms. Such an account cannot be imported again (70399). */
  private readonly deleted = new Map<string, number>();

  constructor(
    private readonly clock: Clock,
    private readonly app: ImApp,
    private readonly opts: { kickedUserSigCode: number; userSigFutureSkewMs: number },
  ) {
    this.import(app.admin);
  }

  /** Only the admin and `initial` again (kick marks and deletions gone). */
  reset(initial: ReadonlyArray<{ userId: string; nick?: string }>): void {
    this.accounts.clear();
    this.deleted.clear();
    this.import(this.app.admin);
    for (const a of initial) this.import(a.userId, a.nick === undefined ? {} : { nick: a.nick });
  }

  /**
   * Idempotent, as `account_import` is; a given Nick/FaceUrl replaces the stored one. A deleted
   * account answers 70399. [uncertain] the service's re-import window ("3 months"): here for ever.
   */
  import(userId: string, profile: { nick?: string; faceUrl?: string } = {}): Account {
    if (this.deleted.has(userId)) throw new ImError('REIMPORT_AFTER_DELETE', userId);
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

  /** account_delete: false when the account was not imported. Sessions are ended by the caller. */
  delete(userId: string): boolean {
    if (!this.accounts.delete(userId)) return false;
    this.deleted.set(userId, this.clock.now());
    return true;
  }

  isDeleted(userId: string): boolean {
    return this.deleted.has(userId);
  }

  /** portrait_set: Nick and FaceUrl live on the account (Nick is the push title), other tags in `profile`. */
  setProfile(userId: string, items: Array<{ tag: string; value: string }>): void {
    const account = this.accounts.get(userId);
    if (!account) throw new ImError('PROFILE_ACCOUNT_MISSING', userId);
    for (const { tag, value } of items) {
      if (tag === NICK_TAG) account.nick = value;
      else if (tag === IMAGE_TAG) account.faceUrl = value;
      else (account.profile ??= {})[tag] = value;
    }
  }

  profileValue(account: Account, tag: string): string | undefined {
    if (tag === NICK_TAG) return account.nick;
    if (tag === IMAGE_TAG) return account.faceUrl;
    return account.profile?.[tag];
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
