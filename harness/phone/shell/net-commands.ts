/**
 * `nc HOST PORT` (toybox netcat): connects to a port on the phone itself — what a program on a real
 * phone reaches at 127.0.0.1, such as a port `adb reverse` opened to the host — sends stdin and
 * prints what comes back until the other side closes. A virtual phone has no network beyond its
 * own loopback in the lab. [uncertain] the exact error texts of toybox's netcat.
 */
import { Duplex, PassThrough } from 'node:stream';
import { aborted, type StreamingCommand } from './session.ts';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);
const OPTIONS_WITH_VALUE = new Set(['-w', '-W', '-q', '-p', '-s']);

/** Two connected ends, as a socketpair gives them. */
function duplexPair(): [Duplex, Duplex] {
  const aToB = new PassThrough();
  const bToA = new PassThrough();
  return [Duplex.from({ readable: bToA, writable: aToB }), Duplex.from({ readable: aToB, writable: bToA })];
}

export const nc: StreamingCommand = async (phone, args, io) => {
  const words: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (OPTIONS_WITH_VALUE.has(args[i]!)) i++;
    else if (!args[i]!.startsWith('-')) words.push(args[i]!);
  }
  const [host, portText] = words;
  const port = Number(portText);
  if (!host || !Number.isInteger(port) || port < 1 || port > 65535) {
    io.err('usage: netcat [-46ELlntUu] [-pqWw #] [-s addr] {IPADDR PORTNUM|-f FILENAME|COMMAND...}\n');
    return 1;
  }
  if (!LOOPBACK.has(host)) {
    io.err('nc: connect: Network is unreachable\n');
    return 1;
  }
  const [ours, theirs] = duplexPair();
  if (!phone.ports.connect(port, theirs)) {
    io.err('nc: connect: Connection refused\n');
    return 1;
  }
  const done = new Promise<void>((resolve) => {
    ours.on('data', (chunk: Buffer) => io.out(chunk));
    ours.once('end', () => resolve());
    ours.once('close', () => resolve());
    ours.once('error', () => resolve());
  });
  io.stdin.pipe(ours);
  await Promise.race([done, aborted(io.signal)]);
  ours.destroy();
  return 0;
};
