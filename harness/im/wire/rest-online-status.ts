/** `openim/query_online_status` and its old name `openim/querystate`. */
import type { ImCore } from '../core.ts';
import { IM_ERRORS, IM_LIMITS, ImError } from '../errors.ts';
import type { JsonObject, RestCommand } from './rest.ts';

export function onlineStatusCommands(core: ImCore): Record<string, RestCommand> {
  const query: RestCommand = (body) => {
    const to = body.To_Account;
    if (!Array.isArray(to) || to.length === 0) throw new ImError('JSON_PARSE', 'To_Account must be a non-empty array');
    if (to.length > IM_LIMITS.queryTargets) throw new ImError('TOO_MANY_TARGETS');
    const withDetail = body.IsNeedDetail === 1;
    const QueryResult: JsonObject[] = [];
    const ErrorList: JsonObject[] = [];
    for (const id of to) {
      if (typeof id !== 'string' || !core.accounts.has(id)) {
        ErrorList.push({ To_Account: id, ErrorCode: IM_ERRORS.ACCOUNT_NOT_IMPORTED[0] });
        continue;
      }
      const { state, detail } = core.sessions.onlineState(id);
      // The docs' samples say State, the OpenAPI spec says Status: emit both.
      const item: JsonObject = { To_Account: id, State: state, Status: state };
      if (withDetail && detail.length > 0) item.Detail = detail.map((d) => ({ Platform: d.platform, Status: d.status }));
      QueryResult.push(item);
    }
    return { QueryResult, ErrorList };
  };
  return { 'openim/query_online_status': query, 'openim/querystate': query };
}
