/**
 * A cut of the e2e suite, plus one spec file at the end that leaves a failure report and dumps the
 * lab's journals into the reports (test/access/run-secrets.test.ts greps them all). The cut holds one
 * spec file per kind of client that must carry the lab token — the VirtualOppo driver and page
 * objects, the mock's control client, IM's REST and console clients, two phones, the trace API, the
 * OPPO server client — because the whole suite a second time cost more than two minutes of CI.
 */
import { config as suite } from '../../../wdio.conf.ts';


const ROOT = new URL('../../../', import.meta.url).pathname;

export const SECRETS_RUN_SPECS = [
  'any/killed-app.e2e.ts',
  'fakes/logout-and-kick.e2e.ts',
  'fakes/vendor-faults.e2e.ts',
  'two-phones/forced-logout.e2e.ts',
  'virtual/certificate.e2e.ts',
  'virtual/trace.e2e.ts',
  'virtual/oppo-direct.e2e.ts',
];

export const config: WebdriverIO.MultiremoteConfig = {
  ...suite,
  // The suite's files, then the last one, in one worker (one lab), so the last file's dump holds the
  // journals of every spec file before it.
  specs: [[...SECRETS_RUN_SPECS.map((f) => `${ROOT}specs/${f}`), `${ROOT}test/access/run/secrets-last.e2e.ts`]],
  maxInstances: 1,
  onPrepare: () => undefined,
};
