/**
 * adbkit clients for the device module. The client never starts an adb server of its own: adbkit
 * runs `<bin> start-server` when it cannot connect, and `bin: 'false'` makes that a no-op, so a
 * missing server is an error that says what to do instead of a stray server on 5037.
 */
import adbkit from '@devicefarmer/adbkit';

// adbkit 3 is CommonJS: named imports fail at runtime in an ESM project.
const { Adb } = adbkit;

export type AdbClient = ReturnType<typeof Adb.createClient>;
export type AdbDeviceClient = ReturnType<AdbClient['getDevice']>;

export interface AdbServerAddress {
  host: string;
  port: number;
}

/** Where `adb` keeps its server unless told otherwise (`ANDROID_ADB_SERVER_PORT`, `adb -P`). */
export const DEFAULT_ADB_SERVER: AdbServerAddress = { host: '127.0.0.1', port: 5037 };

export function connectAdb(address: AdbServerAddress = DEFAULT_ADB_SERVER): AdbClient {
  return Adb.createClient({ host: address.host, port: address.port, bin: 'false' });
}

/** Everything a stream carries until it ends, as UTF-8. */
export async function readAllText(stream: NodeJS.ReadableStream): Promise<string> {
  return (await Adb.util.readAll(stream as never)).toString('utf8');
}

/** The message of an adbkit error that means the server is not there, with what to do. */
export function adbServerError(address: AdbServerAddress, error: unknown): Error | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code !== 'ECONNREFUSED' && code !== 'ECONNRESET') return undefined;
  return new Error(`no adb server at ${address.host}:${address.port} (start it with \`adb -P ${address.port} start-server\`, or point ANDROID_ADB_SERVER_PORT / E2E_ADB_PORT at yours)`);
}

/**
 * Arguments that keep Debian's `adb` client from starting a server of its own: with no server at
 * its `-P` port, `adb` forks one there (`adb -L tcp:<port> fork-server server`), which outlives the
 * test that stopped ours. A host named with `-H` is "remote" to `adb`, and it never starts a server
 * on a remote host ("cannot start server on remote host"), so a stopped endpoint stays stopped.
 */
export const ADB_NO_AUTOSTART = ['-H', '127.0.0.1'] as const;
