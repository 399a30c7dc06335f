/**
 * The subset of `sh` a harness sends to a device (adb and adbkit join argv with spaces): quotes,
 * backslashes, `&&`, `||`, `;`, pipes, and the redirections that matter (`>/dev/null`,
 * `2>/dev/null`, `2>&1`). Writes to other files are discarded: the phone has no file system.
 */

export interface Command {
  argv: string[];
  /** stderr goes where stdout goes (`2>&1`). */
  mergeStderr: boolean;
  /** stdout goes to stderr (`>&2`, `1>&2`). */
  stdoutToStderr?: boolean;
  discardStdout: boolean;
  discardStderr: boolean;
}

export type Connector = '&&' | '||' | ';';

export interface Step {
  /** How this pipeline is joined to the previous one (`;` for the first). */
  connector: Connector;
  pipeline: Command[];
}

/** Stands for `$?` in a parsed word; the runner puts the last exit status there (other `$VAR`s stay as written). */
export const EXIT_STATUS = '\u0000?';

export class ShellSyntaxError extends Error {
  override name = 'ShellSyntaxError';
}

type Token = { op: string } | { word: string };

function tokenize(line: string): Token[] {
  const tokens: Token[] = [];
  let word: string | undefined;
  const flush = (): void => {
    if (word !== undefined) tokens.push({ word });
    word = undefined;
  };
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === ' ' || c === '\t' || c === '\n') flush();
    else if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new ShellSyntaxError("syntax error: unterminated quoted string");
      word = (word ?? '') + line.slice(i + 1, end);
      i = end;
    } else if (c === '"') {
      let j = i + 1;
      let out = '';
      for (; j < line.length && line[j] !== '"'; j++) {
        if (line[j] === '\\' && '"\\$`'.includes(line[j + 1] ?? '')) out += line[++j];
        else if (line[j] === '$' && line[j + 1] === '?') {
          out += EXIT_STATUS;
          j++;
        } else out += line[j];
      }
      if (j >= line.length) throw new ShellSyntaxError('syntax error: unterminated quoted string');
      word = (word ?? '') + out;
      i = j;
    } else if (c === '\\') {
      word = (word ?? '') + (line[++i] ?? '');
    } else if (c === '$' && line[i + 1] === '?') {
      word = (word ?? '') + EXIT_STATUS;
      i++;
    } else if (c === '&' && line[i + 1] === '&') {
      flush();
      tokens.push({ op: '&&' });
      i++;
    } else if (c === '|' && line[i + 1] === '|') {
      flush();
      tokens.push({ op: '||' });
      i++;
    } else if (c === '|' || c === ';') {
      flush();
      tokens.push({ op: c });
    } else if ((c === '2' || c === '1') && word === undefined && line[i + 1] === '>') {
      const dup = /^>&[12]/.test(line.slice(i + 1)) ? line[i + 3] : undefined;
      tokens.push({ op: dup ? `${c}>&${dup}` : `${c}>` });
      i += dup ? 3 : line[i + 2] === '>' ? 2 : 1;
    } else if (c === '>') {
      flush();
      const dup = /^>&[12]/.test(line.slice(i)) ? line[i + 2] : undefined;
      tokens.push({ op: dup ? `1>&${dup}` : '1>' });
      if (dup) i += 2;
      else if (line[i + 1] === '>') i++;
    } else if (c === '<') {
      flush();
      tokens.push({ op: '<' });
    } else word = (word ?? '') + c;
  }
  flush();
  return tokens;
}

export function parseShell(line: string): Step[] {
  const steps: Step[] = [];
  let connector: Connector = ';';
  let pipeline: Command[] = [];
  let cmd: Command = { argv: [], mergeStderr: false, discardStdout: false, discardStderr: false };
  const endCommand = (): void => {
    if (cmd.argv.length === 0) throw new ShellSyntaxError('syntax error: unexpected operator');
    pipeline.push(cmd);
    cmd = { argv: [], mergeStderr: false, discardStdout: false, discardStderr: false };
  };
  const tokens = tokenize(line);
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if ('word' in t) {
      cmd.argv.push(t.word);
      continue;
    }
    if (t.op === '2>&1') cmd.mergeStderr = true;
    else if (t.op === '1>&2') cmd.stdoutToStderr = true;
    else if (t.op === '2>&2') continue;
    else if (t.op === '1>&1') continue;
    else if (t.op === '1>' || t.op === '2>' || t.op === '<') {
      const target = tokens[++i];
      if (!target || !('word' in target)) throw new ShellSyntaxError(`syntax error: '${t.op}' unexpected`);
      if (t.op === '1>') cmd.discardStdout = true;
      if (t.op === '2>') cmd.discardStderr = true;
    } else if (t.op === '|') endCommand();
    else {
      endCommand();
      steps.push({ connector, pipeline });
      pipeline = [];
      connector = t.op as Connector;
    }
  }
  if (cmd.argv.length > 0) endCommand();
  if (pipeline.length > 0) steps.push({ connector, pipeline });
  else if (connector !== ';') throw new ShellSyntaxError(`syntax error: '${connector}' unexpected`);
  return steps;
}

/** Quotes one argument so that `parseShell` reads it back as the same single word. */
export function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
