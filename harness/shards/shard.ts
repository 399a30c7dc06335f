/**
 * A shard process: holds some of a fleet's virtual phones, with their links to the one lab's
 * mock-oppo and IM over the channel on fd 3 (see channel.ts). Started by `startShardedFleet`
 * (fleet.ts), never by hand. The lab sends `init` first (the IM app's key travels over the pipe, not
 * in argv or the environment, so it stays out of process listings), then the fleet's calls.
 *
 * Its clock is the lab's clock, mirrored: every jump of the lab's clock is forwarded (`clock`), and
 * the shard's own timers (UserSig renewals, leases) fire at the forwarded instant.
 * The shard ends when its channel does: a lab that stops or dies takes its shards with it.
 */
import { Socket } from 'node:net';
import { VirtualClock } from '../../mock-oppo/core/clock.ts';
import { DeviceLinkClient } from '../../mock-oppo/device-link/client.ts';
import { ImClientLink } from '../im/client-link/client.ts';
import { PhoneFarm } from '../phone/farm.ts';
import { emptyIntent, ACTION_VIEW } from '../phone/intent.ts';
import type { KillMode } from '../phone/phone.ts';
import type { VirtualPhone } from '../phone/phone.ts';
import { ChannelPeer } from './channel.ts';
import { pool } from './pool.ts';
import { processUsage, type ShardInit } from './fleet.ts';

const CONCURRENCY = 256;

let clock: VirtualClock | undefined;
let farm: PhoneFarm | undefined;
let phones: VirtualPhone[] = [];

const peer = new ChannelPeer(new Socket({ fd: 3, readable: true, writable: true }), {
  onCall: (body) => handle(body),
  // The lab is gone (stopped or dead): nothing here outlives it.
  onEnd: () => process.exit(0),
});

function ready(): PhoneFarm {
  if (!farm) throw new Error('shard: no init yet');
  return farm;
}

async function handle(body: { op: string; [key: string]: unknown }): Promise<unknown> {
  switch (body.op) {
    case 'init': {
      const init = body as unknown as ShardInit & { op: string };
      clock = new VirtualClock({ start: init.now });
      farm = new PhoneFarm({
        clock,
        oppoUrl: init.oppoUrl,
        imUrl: init.imUrl,
        im: init.im,
        ...(init.settings ? { settings: init.settings } : {}),
        pushTransport: (opts) => DeviceLinkClient.over(peer.open('push'), opts),
        imTransport: async () => ImClientLink.over(peer.open('im')),
        // One round trip to the lab covers every link: the channel is ordered.
        settleLinks: () => peer.call({ op: 'ping' }),
      });
      return { pid: process.pid };
    }
    case 'clock':
      if (clock && clock.now() !== body.now) clock.set(body.now as number);
      return null;
    case 'boot': {
      const f = ready();
      const serials = body.serials as string[];
      const booted: VirtualPhone[] = new Array(serials.length);
      await pool(serials.length, CONCURRENCY, async (i) => {
        booted[i] = await f.boot({ serial: serials[i]! });
      });
      phones.push(...booted);
      return phones.length;
    }
    case 'openDeepLinks': {
      const data = body.data as string[];
      await pool(data.length, CONCURRENCY, async (i) => {
        await phones[i]!.startIntent({ ...emptyIntent(), action: ACTION_VIEW, data: data[i]! });
      });
      return null;
    }
    case 'kill':
      await pool(phones.length, CONCURRENCY, async (i) => {
        await phones[i]!.kill(body.packageName as string, body.mode as KillMode);
      });
      return null;
    case 'sync':
      await ready().syncAll();
      return null;
    case 'registrationIds':
      return phones.map((p) => p.registrationId(body.packageName as string) ?? null);
    case 'shown': {
      // Phones by how many notifications their shade holds: a histogram stays small at any fleet size.
      const byCount: Record<number, number> = {};
      for (const p of phones) {
        const n = p.notifications.count;
        byCount[n] = (byCount[n] ?? 0) + 1;
      }
      return byCount;
    }
    case 'usage':
      return processUsage(body.gc === true);
    case 'shutdown':
      await ready().shutdownAll();
      phones = [];
      return null;
    default:
      throw new Error(`shard: unknown call '${body.op}'`);
  }
}
