/** Regions and the registration_id format rules of reference §1. */
export type Region = 'CN' | 'INTL';

const REGID_FORMAT = /^(?:(?:[A-Za-z0-9]{2,10})(?:_[A-Za-z0-9]+)*_)?[0-9a-fA-F]{32}$|^[0-9a-fA-F]{24}$/;

/** The official server SDK's client-side format check (32 hex with optional prefixes, or a 24-hex object id). */
export function isWellFormedRegId(regId: string): boolean {
  return regId.length <= 128 && REGID_FORMAT.test(regId);
}

/** OPPO's split-on-underscore rule; anything not listed as China is overseas. */
export function regionOfRegId(regId: string): Region {
  const parts = regId.split('_');
  if (parts.length === 1) return 'CN';
  if (parts.length === 2 && parts[0] === 'CN') return 'CN';
  if (parts.length === 3 && parts[1] === 'CN') return 'CN';
  return 'INTL';
}

/** The regId the mock hands out: `CN_<32 hex>` in China; `INTL_<32 hex>` overseas (our choice, the rule only needs "not CN"). */
export function formatRegId(region: Region, hex32: string): string {
  return `${region === 'CN' ? 'CN' : 'INTL'}_${hex32}`;
}
