/**
 * `am instrument [-w] [-r] [-e NAME VALUE]… [--no-window-animation] COMPONENT`: the shell command
 * that runs the UiAutomator2 server (the only instrumentation a virtual phone has). With `-w` it
 * stays open while the server serves and prints what AndroidJUnitRunner's text reporter prints; the
 * client going away ends the server. Without `-w` it returns at once and the server keeps running.
 *
 * [uncertain] the wording after a force-stop varies by release; we print what Android 10–14 print
 * for a crashed target process (`INSTRUMENTATION_RESULT: shortMsg=Process crashed.`).
 */
import type { VirtualPhone } from '../phone.ts';
import type { ShellIo } from '../shell/session.ts';
import { InstrumentationFailed, UIA2_TEST_CLASS, Uia2Instrumentation, type Uia2EndReason } from './instrumentation.ts';

const FLAGS_WITH_VALUE = new Set(['-p', '--user', '--abi', '--no-isolated-storage']);

interface InstrumentArgs {
  wait: boolean;
  raw: boolean;
  extras: Record<string, string>;
  component?: string;
}

function parse(args: string[]): InstrumentArgs {
  const parsed: InstrumentArgs = { wait: false, raw: false, extras: {} };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-w') parsed.wait = true;
    else if (a === '-r') parsed.raw = true;
    else if (a === '-e') {
      parsed.extras[args[i + 1] ?? ''] = args[i + 2] ?? '';
      i += 2;
    } else if (FLAGS_WITH_VALUE.has(a)) i++;
    else if (a.startsWith('-')) continue;
    else parsed.component = a;
  }
  return parsed;
}

function status(lines: Array<[string, string]>, code: number): string {
  return lines.map(([k, v]) => `INSTRUMENTATION_STATUS: ${k}=${v}\n`).join('') + `INSTRUMENTATION_STATUS_CODE: ${code}\n`;
}

function testStatus(stream: string, code: number): string {
  return status(
    [
      ['class', UIA2_TEST_CLASS],
      ['current', '1'],
      ['id', 'AndroidJUnitRunner'],
      ['numtests', '1'],
      ['stream', stream],
      ['test', 'startServer'],
    ],
    code,
  );
}

function ending(reason: Uia2EndReason, raw: boolean, seconds: string): string {
  if (reason === 'force-stop') return `${raw ? '' : '\n'}INSTRUMENTATION_RESULT: shortMsg=Process crashed.\nINSTRUMENTATION_CODE: 0\n`;
  const summary = `\n\nTime: ${seconds}\n\nOK (1 test)\n\n\n`;
  return raw ? `${testStatus('.', 0)}INSTRUMENTATION_RESULT: stream=${summary}INSTRUMENTATION_CODE: -1\n` : `.${summary}`;
}

export async function amInstrument(phone: VirtualPhone, args: string[], io: ShellIo): Promise<number> {
  const { wait, raw, component } = parse(args);
  if (!component) {
    io.err('Error: no instrumentation component given\n');
    return 1;
  }
  let run: Uia2Instrumentation;
  try {
    run = Uia2Instrumentation.start(phone, component);
  } catch (e) {
    if (!(e instanceof InstrumentationFailed)) throw e;
    io.err(`android.util.AndroidException: ${e.message}\n\tat com.android.commands.am.Instrument.run(Instrument.java:519)\n\tat com.android.commands.am.Am.runInstrument(Am.java:196)\n`);
    return 1;
  }
  if (!wait) return 0;
  io.out(raw ? testStatus(`\n${UIA2_TEST_CLASS}:`, 1) : `\n${UIA2_TEST_CLASS}:`);
  const onAbort = () => run.stop('client closed');
  if (io.signal.aborted) onAbort();
  else io.signal.addEventListener('abort', onAbort, { once: true });
  const reason = await run.ended;
  io.signal.removeEventListener('abort', onAbort);
  if (reason !== 'client closed') io.out(ending(reason, raw, ((phone.clock.now() - run.startedAt) / 1000).toFixed(3)));
  return 0;
}
