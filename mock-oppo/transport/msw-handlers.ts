/** msw v2 transport: intercepts the real OPPO hosts in-process and answers from the same HTTP core. */
import { http, HttpResponse, type RequestHandler } from 'msw';
import { HOSTS, type HttpCore, type WireResponse } from '../wire/http.ts';

function toResponse(reply: WireResponse): Response {
  if (reply.kind === 'drop') return HttpResponse.error();
  return new HttpResponse(reply.body, { status: reply.status, headers: { 'content-type': reply.contentType } });
}

export function createMswHandlers(core: HttpCore): RequestHandler[] {
  const handlers: RequestHandler[] = [];
  for (const host of Object.values(HOSTS)) {
    for (const scheme of ['https', 'http']) {
      handlers.push(
        http.all(`${scheme}://${host}/*`, async ({ request }) => {
          const url = new URL(request.url);
          const body = new Uint8Array(await request.arrayBuffer());
          const reply = await core.handle({
            method: request.method,
            host: url.hostname,
            path: url.pathname,
            query: url.search.slice(1),
            header: (name) => request.headers.get(name) ?? undefined,
            body,
            via: 'msw',
          });
          return toResponse(reply);
        }),
      );
    }
  }
  return handlers;
}
