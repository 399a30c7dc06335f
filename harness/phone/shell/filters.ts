/** The text filters harnesses pipe device output through: grep, head, tail, wc -l. */
import { fail, out, type ShellCommand } from './output.ts';

function lines(text: string): string[] {
  const all = text.split('\n');
  if (all.at(-1) === '') all.pop();
  return all;
}

export const grep: ShellCommand = (_phone, args, stdin) => {
  let ignoreCase = false;
  let invert = false;
  let count = false;
  let quiet = false;
  let fixed = false;
  let extended = false;
  const patterns: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '-e') patterns.push(args[++i] ?? '');
    else if (/^-[ivcqFEw]+$/.test(a)) {
      ignoreCase ||= a.includes('i');
      invert ||= a.includes('v');
      count ||= a.includes('c');
      quiet ||= a.includes('q');
      fixed ||= a.includes('F');
      extended ||= a.includes('E');
    } else patterns.push(a);
  }
  if (patterns.length === 0) return fail('usage: grep [-civqFE] PATTERN\n', 2);
  let regexes: RegExp[];
  try {
    regexes = patterns.map((p) => {
      const source = fixed ? p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : extended ? p : p.replace(/\\\|/g, '|').replace(/\\([(){}+?])/g, '$1');
      return new RegExp(source, ignoreCase ? 'i' : '');
    });
  } catch {
    return fail(`grep: bad regex '${patterns.join("', '")}'\n`, 2);
  }
  const hits = lines(stdin).filter((l) => regexes.some((r) => r.test(l)) !== invert);
  const code = hits.length > 0 ? 0 : 1;
  if (quiet) return out('', code);
  if (count) return out(`${hits.length}\n`, code);
  return out(hits.map((l) => `${l}\n`).join(''), code);
};

function countArg(args: string[]): number {
  const n = args.indexOf('-n');
  if (n >= 0) return Number(args[n + 1] ?? 10);
  const short = args.find((a) => /^-\d+$/.test(a));
  return short ? Number(short.slice(1)) : 10;
}

export const head: ShellCommand = (_p, args, stdin) => out(lines(stdin).slice(0, countArg(args)).map((l) => `${l}\n`).join(''));
export const tail: ShellCommand = (_p, args, stdin) => out(lines(stdin).slice(-countArg(args)).map((l) => `${l}\n`).join(''));
export const wc: ShellCommand = (_p, _args, stdin) => out(`${lines(stdin).length}\n`);
