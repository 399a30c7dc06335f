/**
 * `contract record`: a proxy in front of the real service. Every request a backend sends through
 * it goes to the target unchanged, the answer comes back unchanged, and the pair is stored with
 * its secrets replaced by stable placeholders (`{{auth_token:1}}`): the same value always gets
 * the same placeholder, so a replay can tell which later request used which token.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { bindHttpServer, closeHttpServer } from '../transport/listen.ts';
import { writePair, type RecordedAnswer, type RecordedPair, type RecordedRequest } from './pairs.ts';

/** Stable placeholders per kind of secret, for one recording. */
export class Pseudonyms {
  private readonly names = new Map<string, string>();
  private readonly counts = new Map<string, number>();

  name(kind: string, value: string): string {
    const key = `${kind}\u0000${value}`;
    let name = this.names.get(key);
    if (name === undefined) {
      const n = (this.counts.get(kind) ?? 0) + 1;
      this.counts.set(kind, n);
      this.names.set(key, (name = `{{${kind}:${n}}}`));
    }
    return name;
  }
}

/** What a service adds to the generic proxy: how to take the secrets out of a pair. */
export interface ContractAdapter {
  /** Request headers worth keeping (lower-case), besides content-type. */
  keptHeaders: readonly string[];
  scrub(pair: RecordedPair, names: Pseudonyms): RecordedPair;
}

/** Replaces every occurrence of the given secrets (e.g. from env) in a text. */
export function scrubSecrets(text: string, secrets: ReadonlyArray<string | undefined>): string {
  let out = text;
  for (const s of secrets) if (s !== undefined && s.length >= 4) out = out.split(s).join('{{secret}}');
  return out;
}

export interface Recorder {
  url: string;
  /** Pairs written so far. */
  count(): number;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function startRecorder(opts: {
  /** Base URL of the real service, e.g. https://api.push.oppomobile.com. */
  target: string;
  dir: string;
  adapter: ContractAdapter;
  /** Secrets that must never reach a file, whatever field they are in. */
  secrets?: ReadonlyArray<string | undefined>;
  port?: number;
  host?: string;
  fetch?: typeof fetch;
  now?: () => number;
}): Promise<Recorder> {
  const names = new Pseudonyms();
  const doFetch = opts.fetch ?? globalThis.fetch;
  const target = new URL(opts.target);
  let seq = 0;
  let written = 0;
  // One pair at a time, in arrival order, so the files replay in the order the service saw them.
  let queue: Promise<unknown> = Promise.resolve();

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const body = await readBody(req);
    const [path = '/', query = ''] = (req.url ?? '/').split(/\?(.*)/s);
    const headers: Record<string, string> = {};
    for (const name of ['content-type', ...opts.adapter.keptHeaders]) {
      const v = req.headers[name];
      if (typeof v === 'string') headers[name] = v;
    }
    const mySeq = ++seq;
    let answer: RecordedAnswer;
    let raw: { status: number; contentType: string; text: string };
    try {
      const upstream = await doFetch(new URL(`${path}${query ? `?${query}` : ''}`, target), {
        method: req.method ?? 'GET',
        headers,
        ...(req.method === 'GET' || req.method === 'HEAD' ? {} : { body: new Uint8Array(body) }),
      });
      const text = await upstream.text();
      raw = { status: upstream.status, contentType: upstream.headers.get('content-type') ?? '', text };
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // not JSON: kept as text
      }
      answer = { status: raw.status, contentType: raw.contentType, body: parsed };
    } catch (err) {
      res.writeHead(502, { 'content-type': 'text/plain' }).end(`contract recorder: the target did not answer: ${(err as Error).message}`);
      return;
    }
    const request: RecordedRequest = { method: req.method ?? 'GET', host: target.hostname, path, query, headers, body: body.toString('utf8') };
    const pair = opts.adapter.scrub({ seq: mySeq, at: (opts.now ?? Date.now)(), request, answer }, names);
    const safe = JSON.parse(scrubSecrets(JSON.stringify(pair), opts.secrets ?? [])) as RecordedPair;
    queue = queue.then(() => writePair(opts.dir, safe)).then(() => written++);
    await queue;
    res.writeHead(raw.status, { 'content-type': raw.contentType || 'application/octet-stream' }).end(raw.text);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`contract recorder: ${(err as Error).message}`);
    });
  });
  const url = await bindHttpServer(server, opts.port ?? 0, opts.host ?? '127.0.0.1');
  return { url, count: () => written, close: () => closeHttpServer(server) };
}

/** The CLIs' `record`: runs the recorder until SIGINT/SIGTERM, telling the user where it listens. */
export async function recordUntilSignal(label: string, opts: Parameters<typeof startRecorder>[0]): Promise<number> {
  const recorder = await startRecorder(opts);
  console.log(`${label} listening on ${recorder.url} → ${opts.target}, pairs in ${opts.dir}`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await recorder.close();
  console.log(`${label} stopped: ${recorder.count()} pairs`);
  return 0;
}
