/**
 * A phone link that fails at a resource limit says which limit and what to do. Over WebSocket links
 * a phone holds a socket from boot (its push link) and one more once its app logs into IM, and in
 * one lab process both ends of each: up to four open files a phone.
 * At the process's open-file limit (`ulimit -n`) the kernel refuses new sockets; libuv then accepts
 * and closes at once, so the phone sees only "socket hang up" (and so does every other client of
 * the lab's HTTP servers). Counting the process's open files against its limit tells the two apart.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Open files a logged-in phone holds in the lab process over WebSocket links (two sockets, both ends). */
export const FILES_PER_WEBSOCKET_PHONE = 4;

export class ResourceLimitError extends Error {
  constructor(
    message: string,
    /** The limit that was hit, e.g. 'open files'. */
    readonly limit: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ResourceLimitError';
  }
}

export interface FileUse {
  open: number;
  /** The soft limit (what `ulimit -n` shows), or undefined when unlimited. */
  limit: number | undefined;
}

/** The soft limit, read once: at the limit itself even reading /proc needs a descriptor there is none of. */
let knownLimit: { limit: number | undefined } | undefined;

function openFileLimit(proc: string): number | undefined {
  if (knownLimit) return knownLimit.limit;
  const line = readFileSync(`${proc}/limits`, 'utf8').split('\n').find((l) => l.startsWith('Max open files'));
  const soft = line?.split(/\s{2,}/)[1];
  knownLimit = { limit: soft === undefined || soft === 'unlimited' ? undefined : Number(soft) };
  return knownLimit.limit;
}

/**
 * This process's open files and their limit, where the system tells (Linux /proc); undefined
 * elsewhere. Called early (the farm does when it starts) so the limit is known when it is reached.
 */
export function fileUse(proc = '/proc/self'): FileUse | undefined {
  let limit: number | undefined;
  try {
    limit = openFileLimit(proc);
  } catch {
    return undefined;
  }
  try {
    // Less the descriptor the listing itself holds open.
    return { open: readdirSync(`${proc}/fd`).length - 1, limit };
  } catch (error) {
    // No descriptor left even to look: every one is open.
    if ((error as NodeJS.ErrnoException).code === 'EMFILE' && limit !== undefined) return { open: limit, limit };
    return undefined;
  }
}

/** EMFILE / ENFILE: the process's (or the system's) descriptors ran out — the limit itself says so. */
function outOfDescriptors(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown } | null;
  return e?.code === 'EMFILE' || e?.code === 'ENFILE' || (typeof e?.message === 'string' && /\bE[MN]FILE\b/.test(e.message));
}

/** What the peer's refusal looks like from here: the connection closed before any answer. */
function hungUp(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown } | null;
  return e?.code === 'ECONNRESET' || (typeof e?.message === 'string' && /socket hang up|ECONNRESET|other side closed/.test(e.message));
}

/**
 * `error` as it is, or — when it is a refused socket and the process sits at its open-file limit —
 * a {@link ResourceLimitError} that names the limit, the count, and what to do.
 */
export function atResourceLimit(error: unknown, what: string, use: FileUse | undefined = fileUse()): unknown {
  if (!outOfDescriptors(error)) {
    if (!hungUp(error) || use?.limit === undefined) return error;
    // A hang-up is the limit only when this process is at it (a failed connect closes its own
    // descriptors before this runs, so "at" allows some slack).
    const slack = Math.max(2 * FILES_PER_WEBSOCKET_PHONE, Math.ceil(use.limit * 0.02));
    if (use.open < use.limit - slack) return error;
  }
  if (use?.limit === undefined) {
    return new ResourceLimitError(`${what} failed (${(error as Error).message}): no file descriptor was left for its socket (the open-file limit, ulimit -n, or the system's fs.file-max). Raise the limit or boot the phones with in-process links (startLab's phoneLinks: 'in-process', the default: no sockets).`, 'open files', { cause: error });
  }
  const phones = Math.floor(use.limit / FILES_PER_WEBSOCKET_PHONE);
  return new ResourceLimitError(
    `${what} failed (${(error as Error).message}) at the open-file limit: this process has ${use.open} files open of its limit ` +
      `${use.limit} ('Max open files', ulimit -n). A phone on WebSocket links holds 2 of them from boot and ` +
      `${FILES_PER_WEBSOCKET_PHONE} once its app logs in (a socket per link, both ends in the lab), so about ` +
      `${phones.toLocaleString('en')} logged-in phones fit. Raise the limit (ulimit -n) ` +
      `or boot the phones with in-process links (startLab's phoneLinks: 'in-process', the default: no sockets).`,
    'open files',
    { cause: error },
  );
}
