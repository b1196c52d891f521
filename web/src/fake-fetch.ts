// For the console's unit tests: a fetch that answers from a script and records what it was
// asked, the boundary at which api.ts and the page modules are tested.

export interface FetchCall {
  path: string;
  method: string;
  headers: Record<string, string>;
  /** The JSON body sent, parsed; undefined without one. */
  body: unknown;
  credentials: RequestCredentials | undefined;
}

/** Answers with `answers` in order; a call beyond them fails as if offline. */
export function fakeFetch(answers: Response[]): {
  fetch: typeof fetch;
  calls: FetchCall[];
} {
  const calls: FetchCall[] = [];
  const fetcher = (input: string | URL | Request, init?: RequestInit) => {
    calls.push({
      path: input as string,
      method: init?.method ?? 'GET',
      headers: { ...(init?.headers as Record<string, string>) },
      body: typeof init?.body === 'string' ? JSON.parse(init.body) : undefined,
      credentials: init?.credentials,
    });
    const answer = answers.shift();
    return answer
      ? Promise.resolve(answer)
      : Promise.reject(new TypeError('offline'));
  };
  return { fetch: fetcher, calls };
}

export function json(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

/** A refusal in the API's error shape. */
export function refusal(status: number, message: string): Response {
  return json(status, { statusCode: status, error: 'Error', message });
}
