import { type AddressInfo, createServer, isIPv6 } from 'node:net';

/**
 * The address meaning "every interface": `::`, which Node binds dual-stack (IPv4 clients arrive
 * as ::ffff:a.b.c.d), or `0.0.0.0` on a machine without IPv6, where binding `::` fails.
 * `probe` is the IPv6 address tried, for tests.
 */
export function everyInterface(probe = '::'): Promise<'::' | '0.0.0.0'> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve('0.0.0.0'));
    server.listen({ host: probe, port: 0 }, () =>
      server.close(() => resolve('::')),
    );
  });
}

const WILDCARDS: Record<string, { reach: string; scope: string }> = {
  '::': { reach: 'localhost', scope: 'every IPv6 and IPv4 interface' },
  '0.0.0.0': { reach: '127.0.0.1', scope: 'every IPv4 interface' },
};

function origin(host: string, port: number): string {
  return `http://${isIPv6(host) ? `[${host}]` : host}:${port}`;
}

/**
 * The start-up line: the URL the server listens on and the API docs' URL, one a browser can
 * open (a wildcard address is reached through the loopback).
 */
export function listeningMessage(host: string, address: AddressInfo): string {
  const wildcard = WILDCARDS[host];
  const listening = origin(host, address.port);
  const docs = `${origin(wildcard?.reach ?? host, address.port)}/api/docs`;
  return wildcard
    ? `Listening on ${listening} (${wildcard.scope}); API docs at ${docs}`
    : `Listening on ${listening}; API docs at ${docs}`;
}
