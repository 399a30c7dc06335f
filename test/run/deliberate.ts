/** The message of the one run's last spec file's failure on purpose (secrets-last.e2e.ts throws it, one-run.test.ts looks for it). */
export const DELIBERATE_FAILURE = 'deliberate failure: the secrets run needs a funnel report to grep';
