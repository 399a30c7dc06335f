/** The auth signature of reference §2: lower-case hex sha256(app_key + timestamp + master_secret). */
import { createHash } from 'node:crypto';

export function authSign(appKey: string, timestamp: string | number, masterSecret: string): string {
  return createHash('sha256').update(`${appKey}${timestamp}${masterSecret}`).digest('hex');
}
