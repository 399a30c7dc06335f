/**
 * The e2e suite as `npm run e2e` runs it, plus one spec file at the end that leaves a failure report
 * and dumps the lab's journals into the reports (test/access/run-secrets.test.ts greps them all).
 */
import { config as suite } from '../../../wdio.conf.ts';
import { resolveProfile, specGlobs } from '../../../harness/scenario/profiles.ts';

const ROOT = new URL('../../../', import.meta.url).pathname;

export const config: WebdriverIO.MultiremoteConfig = {
  ...suite,
  // The suite's globs are relative to the repo; this file lives elsewhere, so they are made absolute.
  specs: [[...specGlobs(resolveProfile(), `${ROOT}specs`)[0]!, `${ROOT}test/access/run/secrets-last.e2e.ts`]],
};
