/**
 * `timpush/normal_push_trace`: one push traced through IMStat → OfflineStat → ChannelStat →
 * DeviceStat → ClickStat (shape and its uncertainties: harness/trace/tencent.ts). IM alone knows
 * the first three stages; in the lab the trace source joins OPPO's and the phone's hops too.
 */
import type { ImCore } from '../core.ts';
import { ImError } from '../errors.ts';
import { tencentPushTrace } from '../../trace/tencent.ts';
import type { RestCommand } from './rest.ts';

export function pushTraceCommands(core: ImCore): Record<string, RestCommand> {
  return {
    'timpush/normal_push_trace': (body) => {
      const id = body.PushID;
      if (typeof id !== 'string' || id === '') throw new ImError('INVALID_PARAMETER', 'PushID must be a non-empty string (the message MsgKey)');
      const trace = core.trace(id);
      if (!trace) throw new ImError('INVALID_PARAMETER', `no push with PushID ${id}`);
      return tencentPushTrace(trace);
    },
  };
}
