/**
 * A recorded exchange with the real service: the request as the backend sent it and the answer
 * the service gave, secrets replaced by placeholders. One JSON file per pair, in order.
 */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface RecordedRequest {
  method: string;
  /** Host the request was for (decides the region on replay). */
  host: string;
  path: string;
  /** Raw query string without `?` (placeholders already in). */
  query: string;
  /** Headers a replay needs: content-type and the service's auth headers, placeholders in. */
  headers: Record<string, string>;
  /** The body as text, placeholders in. */
  body: string;
}

export interface RecordedAnswer {
  status: number;
  contentType: string;
  /** The parsed JSON answer, placeholders in; the text when it is not JSON. */
  body: unknown;
}

export interface RecordedPair {
  seq: number;
  /** Epoch ms when the real service answered: replay moves the mock's clock there. */
  at: number;
  request: RecordedRequest;
  answer: RecordedAnswer;
}

export async function writePair(dir: string, pair: RecordedPair): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = join(dir, `${String(pair.seq).padStart(5, '0')}.json`);
  await writeFile(file, `${JSON.stringify(pair, null, 2)}\n`);
  return file;
}

/** The pairs of a recording directory, in recording order. */
export async function readPairs(dir: string): Promise<RecordedPair[]> {
  const names = (await readdir(dir)).filter((n) => /^\d+\.json$/.test(n)).sort();
  const pairs: RecordedPair[] = [];
  for (const name of names) pairs.push(JSON.parse(await readFile(join(dir, name), 'utf8')) as RecordedPair);
  return pairs;
}
