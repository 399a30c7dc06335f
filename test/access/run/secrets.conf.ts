/**
 * The e2e suite as `npm run e2e` runs it, plus one spec file at the end that leaves a failure report
 * and dumps the lab's journals into the reports (test/access/run-secrets.test.ts greps them all).
 */
import { config as suite } from '../../../wdio.conf.ts';
import { resolveProfile, specFiles } from '../../../harness/scenario/profiles.ts';

const ROOT = new URL('../../../', import.meta.url).pathname;

export const config: WebdriverIO.MultiremoteConfig = {
  ...suite,
  // The suite's files, then the last one, in one worker (one lab), so the last file's dump holds the
  // journals of every spec file before it.
  specs: [[...specFiles(resolveProfile(), `${ROOT}specs`)[0]!, `${ROOT}test/access/run/secrets-last.e2e.ts`]],
  maxInstances: 1,
  onPrepare: () => undefined,
};
