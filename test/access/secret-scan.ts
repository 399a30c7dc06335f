/**
 * Looks for secrets in what the lab shows or writes: each configured secret verbatim, anything that
 * decodes as a UserSig, and an OPPO auth_token not masked. Shared by the full-run grep
 * (test/run/one-run.test.ts) and the web view's (web-secrets.test.ts).
 */
import { inflateSync } from 'node:zlib';
import imApp from '../../fixtures/im-app.json' with { type: 'json' };
import oppoApps from '../../fixtures/oppo-apps.json' with { type: 'json' };

/** The secrets the fixtures configure, by name; add the lab token of the run. */
export function fixtureSecrets(labToken?: string): Record<string, string> {
  return {
    'IM secret key': imApp.secretKey,
    AppSecret: oppoApps[0]!.appSecret,
    MasterSecret: oppoApps[0]!.masterSecret,
    ...(labToken ? { 'lab token': labToken } : {}),
  };
}

/** Strings that decode as a UserSig (base64 with `*-_`, zlib, JSON with TLS.sig). */
export function userSigsIn(text: string): string[] {
  const found: string[] = [];
  for (const [candidate] of text.matchAll(/eJ[0-9A-Za-z*\-_+/=]{40,}/g)) {
    try {
      const json = inflateSync(Buffer.from(candidate.replace(/\*/g, '+').replace(/-/g, '/').replace(/_/g, '='), 'base64')).toString('utf8');
      if (json.includes('TLS.sig')) found.push(candidate);
    } catch {
      // not zlib: not a UserSig
    }
  }
  return found;
}

/** Every leak in `texts` (name → text), as `name: what`; empty when there is none. */
export function leaksIn(texts: Iterable<readonly [string, string]>, secrets: Record<string, string>): string[] {
  const leaks: string[] = [];
  for (const [name, text] of texts) {
    for (const [secret, value] of Object.entries(secrets)) if (text.includes(value)) leaks.push(`${name}: the ${secret}`);
    for (const sig of userSigsIn(text)) leaks.push(`${name}: a UserSig ${sig.slice(0, 12)}…`);
    for (const [m] of text.matchAll(/auth_token\W{1,6}[0-9a-f]{24}/g)) leaks.push(`${name}: an auth token (${m.slice(0, 16)}…)`);
  }
  return leaks;
}
