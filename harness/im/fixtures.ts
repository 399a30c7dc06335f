/** The IM app, console certificates and accounts the lab starts with (fixtures/). */
import { readFileSync } from 'node:fs';
import type { ImApp } from './rules/accounts.ts';
import { parseCertificate, type CertificateConfig } from './rules/certificates.ts';

const FIXTURES = new URL('../../fixtures/', import.meta.url);

export function readJson(file: string | URL): unknown {
  return JSON.parse(readFileSync(file, 'utf8'));
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

export function defaultCertificates(): CertificateConfig[] {
  return (readJson(new URL('im-certificates.json', FIXTURES)) as Array<{ id: number }>).map((c) => parseCertificate(c, c.id));
}

export function defaultAccounts(): Array<{ userId: string; nick?: string }> {
  return readJson(new URL('users.json', FIXTURES)) as Array<{ userId: string; nick?: string }>;
}
