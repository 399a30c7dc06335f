/**
 * The YAML flows (`flows/*.yaml`, or the paths in PUSH_LAB_FLOWS that `npx push-lab test` sets), each
 * as one test on the session's phones. A flow that needs what this profile lacks (virtual time, the
 * lab's fakes, a second phone) is skipped with the reason; a flow that does not parse fails with its
 * file:line:column.
 */
import { multiremotebrowser } from '@wdio/globals';
import { flowPathsFromEnv, loadFlows, tagOf } from '../../harness/flows/load.ts';
import { cannotRun, flowTimeoutMs, runFlow } from '../../harness/flows/runner.ts';
import { openScenario, resolveProfile, type Scenario } from '../../harness/scenario/index.ts';

const profile = resolveProfile();

for (const loaded of loadFlows(flowPathsFromEnv())) {
  if ('error' in loaded) {
    describe(`flow ${loaded.file}`, () => {
      it('parses', () => {
        throw loaded.error;
      });
    });
    continue;
  }
  const { flow, file } = loaded;
  describe(`flow: ${flow.name}`, () => {
    let s: Scenario | undefined;
    after(async () => {
      await s?.close();
    });
    const why = cannotRun(flow, profile.runs, profile.shell);
    if (why) {
      // Printed so a skipped flow is never silent: the reason says what the target lacks.
      console.log(`skipped flow ${file}: ${why} (profile '${profile.name}')`);
      it.skip(`${why} (profile '${profile.name}')`, () => undefined);
      return;
    }
    it(`runs green (${file.split('/').slice(-2).join('/')})`, async function () {
      this.timeout(flowTimeoutMs(flow, this.timeout()));
      s = await openScenario(tagOf(file), multiremotebrowser, { profile });
      await runFlow(s, flow);
    });
  });
}
