/**
 * The device commands the phone's shell knows, by name. Output formats follow Android's (see the
 * samples in fixtures/shell/ and their sources). `COMMANDS` compute their whole output at once;
 * `STREAMING_COMMANDS` (keyed by name, or by `name subcommand`) stream and may keep running.
 */
import type { VirtualPhone } from '../phone.ts';
import { am } from './am.ts';
import { cmd } from './cmd.ts';
import { dumpsys } from './dumpsys.ts';
import { cat, ls, mkdir, rm, touch } from './file-commands.ts';
import { grep, head, tail, wc } from './filters.ts';
import { logcat } from './logcat.ts';
import { appops, ps, settings } from './system-commands.ts';
import { fail, out, type ShellCommand } from './output.ts';
import { packageCommand } from './package-install.ts';
import type { StreamingCommand } from './session.ts';
import { amInstrument } from '../uia2/am-instrument.ts';

/** getprop keys the profile does not carry but every phone has. */
function allProps(phone: VirtualPhone): Record<string, string> {
  const p = phone.device.props;
  return {
    'ro.serialno': phone.serial,
    'ro.boot.serialno': phone.serial,
    'ro.build.type': 'user',
    'ro.build.tags': 'release-keys',
    'ro.product.cpu.abi': 'arm64-v8a',
    'ro.sf.lcd_density': String(phone.device.screen.density),
    'sys.boot_completed': '1',
    'persist.sys.locale': p['ro.product.locale'] ?? 'en-US',
    ...p,
  };
}

const getprop: ShellCommand = (phone, args) => {
  const props = allProps(phone);
  if (args[0] !== undefined) return out(`${props[args[0]] ?? ''}\n`);
  return out(
    Object.keys(props)
      .sort()
      .map((k) => `[${k}]: [${props[k]}]\n`)
      .join(''),
  );
};

const KEYCODES: Record<string, number> = { KEYCODE_HOME: 3, KEYCODE_BACK: 4, KEYCODE_MENU: 82, KEYCODE_NOTIFICATION: 83, KEYCODE_APP_SWITCH: 187, KEYCODE_POWER: 26, KEYCODE_WAKEUP: 224 };

const input: ShellCommand = async (phone, args) => {
  if (args[0] === 'keyevent' && args.length > 1) {
    for (const key of args.slice(1).filter((a) => a !== '--longpress')) {
      const code = KEYCODES[key] ?? Number(key);
      if (!Number.isInteger(code)) return fail(`Error: Unknown keycode: ${key}\n`, 255);
      await phone.pressKey(code);
    }
    return out();
  }
  return fail(`Error: Unknown command: ${args[0] ?? ''}\n`, 255);
};

const pidof: ShellCommand = (phone, args) => {
  const pid = phone.app(args[0] ?? '')?.process?.pid;
  return pid === undefined ? fail('') : out(`${pid}\n`);
};

const monkey: ShellCommand = async (phone, args) => {
  const p = args.indexOf('-p');
  const pkg = p >= 0 ? args[p + 1] : undefined;
  if (!pkg || !phone.app(pkg)) return fail(`** No activities found to run, monkey aborted.\n`, 251);
  await phone.activateApp(pkg);
  return out(`  bash arg: -p\n  bash arg: ${pkg}\nEvents injected: 1\n## Network stats: elapsed time=12ms (0ms mobile, 0ms wifi, 12ms not connected)\n`);
};

export const COMMANDS: Record<string, ShellCommand> = {
  am,
  cmd,
  dumpsys,
  getprop,
  input,
  settings,
  appops,
  ps,
  pidof,
  monkey,
  ls,
  rm,
  mkdir,
  touch,
  grep,
  head,
  tail,
  wc,
  echo: (_p, args) => out(`${args.join(' ')}\n`),
  true: () => out(),
  false: () => fail(''),
};

/**
 * Commands that stream or keep running. A key `name subcommand` (e.g. `am instrument`) takes that
 * subcommand away from the buffered command of the same name; the handler gets the arguments after it.
 */
export const STREAMING_COMMANDS: Record<string, StreamingCommand> = {
  logcat,
  cat,
  pm: packageCommand,
  'cmd package': packageCommand,
  'am instrument': amInstrument,
};
