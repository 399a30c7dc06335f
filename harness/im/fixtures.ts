/** The IM app, console certificates and accounts the lab starts with (fixtures/). */
import { readFileSync } from 'node:fs';
import { parseJsonQuietly } from '../../mock-oppo/access/secrets.ts';
import type { ImApp } from './rules/accounts.ts';
import { parseCertificate, type CertificateConfig } from './rules/certificates.ts';

const FIXTURES = new URL('../../fixtures/', import.meta.url);

/** A JSON file's content; a syntax error gives the position, never the text (it may be a secret key). */
export function readJson(file: string | URL): unknown {
  return parseJsonQuietly(readFileSync(file, 'utf8'));
}

/** `{"sdkAppId", "secretKey", "admin"}` as in fixtures/im-app.json (and `npm run lab -- --im <file>`). */
export function parseImApp(input: unknown): ImApp {
  const a = (input ?? {}) as Record<string, unknown>;
  if (!Number.isInteger(a.sdkAppId) || typeof a.secretKey !== 'string' || a.secretKey === '' || typeof a.admin !== 'string' || a.admin === '') {
    throw new TypeError('IM app must be {"sdkAppId": integer, "secretKey": string, "admin": string}');
  }
  return { sdkAppId: a.sdkAppId as number, secretKey: a.secretKey, admin: a.admin };
}

export function defaultImApp(): ImApp {
  return parseImApp(readJson(new URL('im-app.json', FIXTURES)));
}

/** Whether a secret key is the fixtures' test key (public, in this repository), not a real app's. */
export function isFixtureSecretKey(secretKey: string): boolean {
  return secretKey === defaultImApp().secretKey;
}

export function defaultCertificates(): CertificateConfig[] {
  return (readJson(new URL('im-certificates.json', FIXTURES)) as Array<{ id: number }>).map((c) => parseCertificate(c, c.id));
}

export function defaultAccounts(): Array<{ userId: string; nick?: string }> {
  return readJson(new URL('users.json', FIXTURES)) as Array<{ userId: string; nick?: string }>;
}
