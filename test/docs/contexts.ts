/**
 * What each README's examples assume already exists — "a running mock at baseUrl", "the lab's IM
 * at $IM", "a phone" — set up for the README test (readme-examples.test.ts) and torn down after the
 * block. A README whose examples need nothing has no entry. Add one here when a new README example
 * refers to something it does not create itself.
 *
 * `values` become the block's free names (a `ts` block), `env` its shell variables (an `sh` block),
 * `replace` rewrites what the docs print as sample addresses (`http://127.0.0.1:8090`) to the real
 * ones, and `files` are written to the directory an `sh` block runs in.
 */
import { genUserSig } from '../../harness/im/usersig.ts';
import { ImClientLink } from '../../harness/im/client-link/client.ts';
import { defaultCertificates } from '../../harness/im/fixtures.ts';
import { openAdbTunnel } from '../../harness/lab/adb-tunnel.ts';
import { startLab } from '../../harness/lab/lab.ts';
import { PhoneFarm } from '../../harness/phone/farm.ts';
import { VirtualClock } from '../../mock-oppo/core/clock.ts';
import { createMockOppo, demoApp } from '../../mock-oppo/index.ts';

export interface DocContext {
  values: Record<string, unknown>;
  env: Record<string, string>;
  replace: Array<[string, string]>;
  files: Record<string, string>;
  teardown(): Promise<void>;
}

type Setup = () => Promise<Partial<DocContext>>;

/**
 * A flowing-clock mock on an ephemeral port, as `npm run mock-oppo` starts it (`$BASE`), and one that
 * demands a token, as off loopback (`http://<this machine>:<port>`, `$TOKEN`).
 */
async function mockOppo(): Promise<Partial<DocContext>> {
  const server = await createMockOppo().listen();
  const token = 'docs-example-token-0123456789';
  const guarded = await createMockOppo().listen({ token });
  const app = demoApp();
  return {
    values: { baseUrl: server.url, appKey: app.appKey, appSecret: app.appSecret },
    env: { BASE: server.url, TOKEN: token },
    replace: [
      ['http://127.0.0.1:8090', server.url],
      ['http://<this machine>:<port>', guarded.url],
    ],
    async teardown() {
      await server.close();
      await guarded.close();
    },
  };
}

const LAB_VALUES = ['clock', 'secretKey', 'mockUrl', 'certificates', 'body', 'imLink', 'imUrl', 'userSig', 'regId', 'PhoneFarm', 'farm', 'phone', 'oppoUrl', 'sdkAppId', 'adbPort', 'serial'] as const;

/** A lab with one phone (and its ADB endpoint), as `npm run lab -- --phones 1 --adb` starts it. */
async function lab(): Promise<Partial<DocContext>> {
  const lab = await startLab({ phones: 1, adb: { port: 0 } });
  const [phone] = lab.farm.list();
  const { sdkAppId, secretKey } = lab.im.server.imApp;
  const imLink = await ImClientLink.connect(lab.im.url);
  const adbPort = lab.adb.info()?.port;
  // The tunnel harness/adb/README.md's `npx push-lab adb-tunnel` line opens (that line is checked
  // against the CLI's help), so the `adb -P 40127` after it reaches the phones through a real tunnel.
  const tunnel = await openAdbTunnel(lab.url);
  return {
    values: {
      // harness/im/README.md
      clock: new VirtualClock(),
      secretKey,
      mockUrl: lab.oppo.url,
      certificates: defaultCertificates(),
      body: [{ MsgType: 'TIMTextElem', MsgContent: { Text: 'hi' } }],
      imLink,
      imUrl: lab.im.url,
      userSig: genUserSig({ sdkAppId, secretKey, userId: 'bob', now: lab.clock.now() }),
      regId: phone!.registrationId('com.tencent.qcloud.tim.demo') ?? 'CN_0123456789abcdef0123456789abcdef',
      // harness/phone/README.md, harness/adb/README.md
      PhoneFarm,
      farm: lab.farm,
      phone,
      oppoUrl: lab.oppo.url,
      sdkAppId,
      // harness/device/README.md: the adb server port and a serial from `adb devices` (here the lab's ADB endpoint and phone)
      adbPort,
      serial: phone!.serial,
    },
    env: { IM: lab.im.url },
    replace: [
      ['http://127.0.0.1:45665', lab.im.url],
      ['http://127.0.0.1:36955', lab.oppo.url],
      ...(adbPort ? ([['37021', String(adbPort)], ['<port>', String(adbPort)]] as Array<[string, string]>) : []),
      ['40127', String(tunnel.port)],
    ],
    files: { 'blob.bin': 'a file to push\n' },
    async teardown() {
      await imLink.close();
      await tunnel.close();
      await lab.stop();
      lab.clock.dispose();
    },
  };
}

/** An `--apps` file, as the READMEs' `my-apps.json`. */
const MY_APPS = JSON.stringify([{ appId: '31000001', appKey: 'myappkey0000000000000000000000a1', appSecret: 'myappsecret000000000000000000001', masterSecret: 'mymastersecret00000000000000001' }]);

async function withAppsFile(setup: Setup): Promise<Partial<DocContext>> {
  const ctx = await setup();
  return { ...ctx, files: { ...ctx.files, 'my-apps.json': MY_APPS } };
}

const CONTEXTS: Record<string, Setup> = {
  'README.md': () => withAppsFile(lab),
  'mock-oppo/README.md': () => withAppsFile(mockOppo),
  'harness/im/README.md': lab,
  'harness/phone/README.md': lab,
  'harness/adb/README.md': lab,
  'harness/device/README.md': lab,
};

/** The free names a README's `ts` examples may use (known without starting anything). */
export const VALUE_NAMES: Record<string, readonly string[]> = {
  'mock-oppo/README.md': ['baseUrl', 'appKey', 'appSecret'],
  'harness/im/README.md': LAB_VALUES,
  'harness/phone/README.md': LAB_VALUES,
  'harness/adb/README.md': LAB_VALUES,
  'harness/device/README.md': LAB_VALUES,
  'README.md': LAB_VALUES,
};

/** The context of a README's examples (an empty one when it needs none). */
export async function setupContext(readme: string): Promise<DocContext> {
  const setup = CONTEXTS[readme];
  const ctx = setup ? await setup() : {};
  const names = VALUE_NAMES[readme] ?? [];
  const unlisted = Object.keys(ctx.values ?? {}).filter((n) => !names.includes(n));
  if (unlisted.length) throw new Error(`${readme}: context values ${unlisted.join(', ')} are missing from VALUE_NAMES`);
  return { values: {}, env: {}, replace: [], files: {}, teardown: async () => {}, ...ctx };
}

/**
 * README lines another test runs in the one place they can run — say, in a fresh project where the
 * packed mock-oppo is installed. The README test checks that the named test exists and does the same
 * thing (`evidence` appears in it), instead of running the lines a second time.
 */
export interface Delegated {
  readme: string;
  /** The lines (an `sh` command, or a `ts`/`js` block's text) this covers. */
  matches: RegExp;
  provenBy: string;
  /** Strings the proving test must contain. */
  evidence: string[];
}

export const DELEGATED: Delegated[] = [
  {
    readme: 'README.md',
    matches: /^(cd mock-oppo && npm pack|npm install \/path\/to\/mock-oppo-[\d.]+\.tgz|npx mock-oppo )|from 'mock-oppo(\/\w+)?'/m,
    provenBy: 'test/mock-oppo/package.test.ts',
    evidence: ['npm pack', "from 'mock-oppo'", "from 'mock-oppo/control'", "from 'mock-oppo/msw'"],
  },
];

export function delegationOf(readme: string, text: string): Delegated | undefined {
  return DELEGATED.find((d) => d.readme === readme && d.matches.test(text));
}
