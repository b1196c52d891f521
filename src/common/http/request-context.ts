import { AsyncLocalStorage } from 'node:async_hooks';

/** Who is asking, for code far from the controller (audit records, login lockouts). */
export interface RequestContext {
  readonly requestId: string;
  /** The client's address (X-Forwarded-For only when TRUST_PROXY says so). */
  readonly ip: string;
  readonly userAgent: string | null;
}

const storage = new AsyncLocalStorage<RequestContext>();

/** What a request tells of who is asking: its id, address (TRUST_PROXY applied) and user agent. */
export function requestContextOf(request: {
  id: string;
  ip: string;
  headers: { 'user-agent'?: string | string[] };
}): RequestContext {
  const userAgent = request.headers['user-agent'];
  return {
    requestId: request.id,
    ip: request.ip,
    userAgent: typeof userAgent === 'string' ? userAgent.slice(0, 512) : null,
  };
}

/** Entered once per request by the onRequest hook in app.setup.ts. */
export function enterRequestContext(context: RequestContext): void {
  storage.enterWith(context);
}

/** The current request's context, or undefined outside a request (start-up, timers). */
export function currentRequest(): RequestContext | undefined {
  return storage.getStore();
}
