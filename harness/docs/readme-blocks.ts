/**
 * The code blocks of every README in the repository, so a test can run each one and docs cannot
 * rot (test/docs/readme-examples.test.ts). A block is classified by its fence's language:
 *
 * - `ts` (or `js`) with a mocha `describe(`: a spec — written to `.doc-specs/<group>/` and run by the e2e
 *   suite like any spec file (`npm run e2e` includes that folder; `npm run typecheck` checks it).
 *   The group is `fakes` unless the block says otherwise in a `// spec group: <name>` line.
 * - `ts`/`js`, `sh`, `json` (`jsonc`: with `//` comments): run (or parsed) by the README test, in the context that README's examples
 *   assume (a running mock, a lab; see test/docs/contexts.ts).
 * - `yaml`: a CI job for the reader's own repository; every step that calls this project's CLIs is
 *   checked against them (the subcommand exists, every flag it passes is one the CLI documents).
 * - no language, or `text`: an illustration (a diagram, a sample of output): nothing to run.
 *
 * Any other language is an error: a README example nobody runs.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

export const REPO_ROOT = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');
/** Where README spec examples are written for the e2e suite (gitignored). */
export const DOC_SPECS_DIR = '.doc-specs';

export type BlockKind = 'spec' | 'ts' | 'sh' | 'json' | 'ci' | 'illustration';

export interface CodeBlock {
  /** README path from the repository root. */
  readme: string;
  /** 1-based line of the opening fence. */
  line: number;
  lang: string;
  code: string;
  kind: BlockKind;
}

const SKIPPED_DIRS = new Set(['node_modules', 'reports', DOC_SPECS_DIR]);

/** Every README.md under `root`, as paths from it (dot folders, node_modules and reports skipped). */
export function findReadmes(root = REPO_ROOT): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
      const path = dir ? `${dir}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (!entry.name.startsWith('.') && !SKIPPED_DIRS.has(entry.name)) walk(path);
      } else if (entry.name === 'README.md') {
        found.push(path);
      }
    }
  };
  walk('');
  return found.sort();
}

function kindOf(lang: string, code: string): BlockKind | undefined {
  switch (lang) {
    case '':
    case 'text':
      return 'illustration';
    case 'ts':
    case 'typescript':
    case 'js':
    case 'javascript':
      // JavaScript examples are valid TypeScript: they run the same way.
      return /^\s*describe\(/m.test(code) ? 'spec' : 'ts';
    case 'sh':
    case 'bash':
    case 'shell':
      return 'sh';
    case 'json':
    case 'jsonc':
      return 'json';
    case 'yaml':
    case 'yml':
      return 'ci';
    default:
      return undefined;
  }
}

/** The fenced blocks of one README. An unknown fence language throws: the example would run nowhere. */
export function codeBlocks(readme: string, root = REPO_ROOT): CodeBlock[] {
  const lines = readFileSync(join(root, readme), 'utf8').split('\n');
  const blocks: CodeBlock[] = [];
  let open: { line: number; lang: string; fence: string; body: string[] } | undefined;
  lines.forEach((text, i) => {
    const fence = /^(\s*)(```+)\s*([\w-]*)\s*$/.exec(text);
    if (!open) {
      if (fence) open = { line: i + 1, lang: fence[3]!.toLowerCase(), fence: fence[2]!, body: [] };
      return;
    }
    if (fence && fence[2] === open.fence && fence[3] === '') {
      const code = open.body.join('\n');
      const kind = kindOf(open.lang, code);
      if (!kind) throw new Error(`${readme}:${open.line}: a \`${open.lang}\` block — no test runs that language (use ts, sh, json, or text for an illustration)`);
      blocks.push({ readme, line: open.line, lang: open.lang, code, kind });
      open = undefined;
      return;
    }
    open.body.push(text);
  });
  if (open) throw new Error(`${readme}:${open.line}: the code block is never closed`);
  return blocks;
}

export function allCodeBlocks(root = REPO_ROOT): CodeBlock[] {
  return findReadmes(root).flatMap((readme) => codeBlocks(readme, root));
}

/** JSON text of a `json` block (a `jsonc` block's `// comments` removed; strings are left alone). */
export function jsonText(block: CodeBlock): string {
  if (block.lang !== 'jsonc') return block.code;
  return block.code.replace(/("(?:[^"\\]|\\.)*")|\/\/[^\n]*/g, (_all, string: string | undefined) => string ?? '');
}

/** A file name for a block: its README's path and line (`mock-oppo-readme-md-241`). */
export function blockSlug(block: Pick<CodeBlock, 'readme' | 'line'>): string {
  return `${block.readme.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-${block.line}`;
}

/** The spec group a README spec example runs in (`// spec group: virtual`), `fakes` by default. */
export function specGroupOf(block: CodeBlock): string {
  return /^\s*\/\/\s*spec group:\s*([\w-]+)/m.exec(block.code)?.[1] ?? 'fakes';
}

/** Where the e2e suite finds a README spec example. */
export function docSpecPath(block: CodeBlock, root = REPO_ROOT): string {
  return join(root, DOC_SPECS_DIR, specGroupOf(block), `${blockSlug(block)}.e2e.ts`);
}

/**
 * Writes every README spec example to `.doc-specs/<group>/` (and removes stale ones), so the e2e
 * suite and the typecheck see exactly what the READMEs say. Files are rewritten only when they
 * changed. The examples import `../../harness/...` as a spec under `specs/<group>/` does, which
 * resolves the same from `.doc-specs/<group>/`.
 */
export function writeDocSpecs(root = REPO_ROOT): string[] {
  const wanted = new Map<string, string>();
  for (const block of allCodeBlocks(root).filter((b) => b.kind === 'spec')) {
    wanted.set(docSpecPath(block, root), `// Written from ${block.readme}:${block.line} by harness/docs/readme-blocks.ts; edit the README, not this file.\n${block.code}\n`);
  }
  const dir = join(root, DOC_SPECS_DIR);
  if (existsSync(dir)) {
    for (const group of readdirSync(dir)) {
      for (const file of readdirSync(join(dir, group))) {
        const path = join(dir, group, file);
        if (!wanted.has(path)) rmSync(path);
      }
    }
  }
  for (const [path, text] of wanted) {
    if (existsSync(path) && readFileSync(path, 'utf8') === text) continue;
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  }
  return [...wanted.keys()].map((p) => relative(root, p));
}
