/**
 * The phone's file system, as far as a shell user (`adb push`/`pull`, `ls`, `rm`, `pm install
 * PATH`) sees it: `/data/local/tmp` and shared storage (`/sdcard` → `/storage/emulated/0`) are
 * writable, the rest is read-only or closed, as on a user build. Contents live in memory; a file
 * keeps the chunks it was written in (an APK is not copied again). Times are the virtual clock's.
 */
import type { Clock } from '../../mock-oppo/core/clock.ts';

export const S_IFDIR = 0o040000;
export const S_IFREG = 0o100000;
export const S_IFLNK = 0o120000;

export interface FileStat {
  mode: number;
  size: number;
  /** Seconds since the epoch. */
  mtime: number;
  uid: number;
  gid: number;
  ino: number;
  nlink: number;
}

/** A failed file operation, with the errno adbd reports (2 ENOENT, 13 EACCES, 20 ENOTDIR, 21 EISDIR, 30 EROFS ...). */
export class FileError extends Error {
  override name = 'FileError';
  constructor(
    readonly errno: number,
    readonly path: string,
  ) {
    super(`${path}: ${ERRNO_TEXT[errno] ?? `errno ${errno}`}`);
  }
  get reason(): string {
    return ERRNO_TEXT[this.errno] ?? `errno ${this.errno}`;
  }
}

export const ENOENT = 2;
export const EACCES = 13;
export const EEXIST = 17;
export const ENOTDIR = 20;
export const EISDIR = 21;
export const ENOTEMPTY = 39;
export const EROFS = 30;
const ERRNO_TEXT: Record<number, string> = {
  [ENOENT]: 'No such file or directory',
  [EACCES]: 'Permission denied',
  [EEXIST]: 'File exists',
  [ENOTDIR]: 'Not a directory',
  [EISDIR]: 'Is a directory',
  [EROFS]: 'Read-only file system',
  [ENOTEMPTY]: 'Directory not empty',
};

/** uid/gid of the shell user (what files pushed over adb belong to) and of root. */
const SHELL = 2000;
const ROOT = 0;
/** FUSE/sdcardfs shows shared storage as root:everybody (9997). */
const EVERYBODY = 9997;

type Node =
  | { kind: 'dir'; children: Map<string, Node>; stat: FileStat; writable: boolean }
  | { kind: 'file'; chunks: Buffer[]; stat: FileStat }
  | { kind: 'link'; target: string; stat: FileStat };

export class DeviceFiles {
  private tree: Node | undefined;
  private nextIno = 2;
  /** When the phone booted: the initial tree's times, however late it is first looked at. */
  private readonly bootSeconds: number;

  constructor(private readonly clock: Clock) {
    this.bootSeconds = Math.floor(clock.now() / 1000);
  }

  /**
   * Built on first use: most phones of a big fleet never see a shell, and the tree (two dozen
   * directories, each a Map and a stat) was a sixth of an idle phone's memory.
   */
  private get root(): Node {
    return (this.tree ??= this.initialTree());
  }

  private initialTree(): Node {
    const at = this.bootSeconds;
    const root = this.dir(ROOT, ROOT, 0o755, false, at);
    const build = (path: string, uid: number, gid: number, perm: number, writable: boolean) => {
      const parts = path.split('/').filter(Boolean);
      const name = parts.pop()!;
      let parent = root as Extract<Node, { kind: 'dir' }>;
      for (const part of parts) parent = parent.children.get(part) as Extract<Node, { kind: 'dir' }>;
      parent.children.set(name, this.dir(uid, gid, perm, writable, at));
    };
    build('/system', ROOT, ROOT, 0o755, false);
    build('/system/bin', ROOT, 2000, 0o751, false);
    build('/data', 1000, 1000, 0o771, false);
    build('/data/local', ROOT, ROOT, 0o751, false);
    build('/data/local/tmp', SHELL, SHELL, 0o771, true);
    build('/storage', ROOT, ROOT, 0o755, false);
    build('/storage/emulated', ROOT, ROOT, 0o755, false);
    build('/storage/emulated/0', ROOT, EVERYBODY, 0o771, true);
    for (const d of ['Alarms', 'DCIM', 'Download', 'Movies', 'Music', 'Notifications', 'Pictures', 'Podcasts', 'Ringtones']) build(`/storage/emulated/0/${d}`, ROOT, EVERYBODY, 0o771, true);
    (root as Extract<Node, { kind: 'dir' }>).children.set('sdcard', { kind: 'link', target: '/storage/emulated/0', stat: this.newStat(S_IFLNK | 0o777, ROOT, ROOT, 19, at) });
    return root;
  }

  /** stat(2): follows symbolic links; undefined when nothing is there. */
  stat(path: string): FileStat | undefined {
    return this.find(path, true)?.stat;
  }

  /** lstat(2): a symbolic link itself. */
  lstat(path: string): FileStat | undefined {
    return this.find(path, false)?.stat;
  }

  /** Entries of a directory, names and lstat, without `.` and `..`. */
  list(path: string): Array<{ name: string; stat: FileStat }> {
    const node = this.find(path, true);
    if (!node) throw new FileError(ENOENT, path);
    if (node.kind !== 'dir') throw new FileError(ENOTDIR, path);
    return [...node.children.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([name, n]) => ({ name, stat: n.stat }));
  }

  /** A file's contents as the chunks they were written in. */
  readChunks(path: string): Buffer[] {
    const node = this.find(path, true);
    if (!node) throw new FileError(ENOENT, path);
    if (node.kind === 'dir') throw new FileError(EISDIR, path);
    if (node.kind !== 'file') throw new FileError(ENOENT, path);
    return node.chunks;
  }

  read(path: string): Buffer {
    return Buffer.concat(this.readChunks(path));
  }

  /** Creates or replaces a file as the shell user; missing parent directories are made (adbd's push does). */
  write(path: string, chunks: Buffer[] | Buffer, options: { mode?: number; mtime?: number } = {}): void {
    const parts = split(path);
    const name = parts.pop();
    if (!name) throw new FileError(EISDIR, path);
    const parent = this.mkdirs(parts, path);
    const existing = parent.children.get(name);
    if (existing?.kind === 'dir') throw new FileError(EISDIR, path);
    const data = Array.isArray(chunks) ? chunks : [chunks];
    const size = data.reduce((n, c) => n + c.length, 0);
    const stat = this.newStat(S_IFREG | ((options.mode ?? 0o644) & 0o7777), SHELL, parent.stat.gid === EVERYBODY ? EVERYBODY : SHELL, size);
    if (options.mtime !== undefined) stat.mtime = options.mtime;
    parent.children.set(name, { kind: 'file', chunks: data, stat });
  }

  /** `mkdir [-p]`. */
  mkdir(path: string, parents = false): void {
    const parts = split(path);
    if (parents) {
      this.mkdirs(parts, path);
      return;
    }
    const name = parts.pop();
    if (!name) throw new FileError(EEXIST, path);
    const parent = this.walk(parts, false);
    if (!parent) throw new FileError(ENOENT, path);
    if (parent.kind !== 'dir') throw new FileError(ENOTDIR, path);
    if (parent.children.has(name)) throw new FileError(EEXIST, path);
    if (!parent.writable) throw new FileError(this.deniedErrno(parts), path);
    parent.children.set(name, this.dir(SHELL, parent.stat.gid === EVERYBODY ? EVERYBODY : SHELL, 0o771, true));
  }

  /** `rm [-r]`: a directory needs `recursive`. */
  remove(path: string, recursive = false): void {
    const parts = split(path);
    const name = parts.pop();
    const found = name ? this.walk(parts, false) : undefined;
    const parent = found ? this.follow(found) : undefined;
    const node = parent?.kind === 'dir' ? parent.children.get(name!) : undefined;
    if (!parent || parent.kind !== 'dir' || !node) throw new FileError(ENOENT, path);
    if (!parent.writable) throw new FileError(this.deniedErrno(parts), path);
    if (node.kind === 'dir' && !recursive) throw new FileError(EISDIR, path);
    parent.children.delete(name!);
  }

  private mkdirs(parts: string[], path: string): Extract<Node, { kind: 'dir' }> {
    let node: Node = this.root;
    for (let i = 0; i < parts.length; i++) {
      node = this.follow(node);
      if (node.kind !== 'dir') throw new FileError(ENOTDIR, path);
      let next: Node | undefined = node.children.get(parts[i]!);
      if (!next) {
        if (!node.writable) throw new FileError(this.deniedErrno(parts.slice(0, i)), path);
        next = this.dir(SHELL, node.stat.gid === EVERYBODY ? EVERYBODY : SHELL, 0o771, true);
        node.children.set(parts[i]!, next);
      }
      node = next;
    }
    node = this.follow(node);
    if (node.kind !== 'dir') throw new FileError(ENOTDIR, path);
    if (!node.writable) throw new FileError(this.deniedErrno(parts), path);
    return node;
  }

  /** /system is mounted read-only; elsewhere the shell user just lacks the permission. */
  private deniedErrno(parts: string[]): number {
    return parts[0] === 'system' ? EROFS : EACCES;
  }

  private find(path: string, followLast: boolean): Node | undefined {
    const node = this.walk(split(path), false);
    return node && followLast ? this.follow(node) : node;
  }

  private walk(parts: string[], create: boolean): Node | undefined {
    let node: Node = this.root;
    for (const part of parts) {
      node = this.follow(node);
      if (node.kind !== 'dir') return undefined;
      let next: Node | undefined = node.children.get(part);
      if (!next && create) {
        next = this.dir(ROOT, ROOT, 0o755, false);
        node.children.set(part, next);
      }
      if (!next) return undefined;
      node = next;
    }
    return node;
  }

  private follow(node: Node): Node {
    for (let hops = 0; node.kind === 'link' && hops < 8; hops++) {
      const target = this.walk(split(node.target), false);
      if (!target) return node;
      node = target;
    }
    return node;
  }

  private dir(uid: number, gid: number, perm: number, writable: boolean, at?: number): Node {
    return { kind: 'dir', children: new Map(), stat: this.newStat(S_IFDIR | perm, uid, gid, 4096, at), writable };
  }

  private newStat(mode: number, uid: number, gid: number, size: number, at = Math.floor(this.clock.now() / 1000)): FileStat {
    return { mode, size, mtime: at, uid, gid, ino: this.nextIno++, nlink: 1 };
  }
}

/** Path components with `.`, `..` and repeated slashes resolved (relative paths start at `/`, adbd's cwd). */
export function split(path: string): string[] {
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return out;
}
