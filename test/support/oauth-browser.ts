import { createServer } from 'node:net';

/** A port nothing listens on now: the OAuth tests need their issuer URL before the app starts. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

interface StoredCookie {
  readonly value: string;
  readonly path: string;
}

/**
 * What a browser does with cookies, enough for an OAuth flow against one host: it keeps
 * `Set-Cookie`s by name and path, sends those whose path matches, and forgets deleted ones.
 */
export class Browser {
  private readonly cookies = new Map<string, StoredCookie>();

  constructor(readonly origin: string) {}

  /** One request, redirects not followed, cookies kept. */
  async fetch(
    url: string,
    init: RequestInit & { headers?: Record<string, string> } = {},
  ): Promise<Response> {
    const target = new URL(url, this.origin);
    const cookie = this.cookieHeader(target.pathname);
    const response = await fetch(target, {
      ...init,
      redirect: 'manual',
      headers: { ...(init.headers ?? {}), ...(cookie ? { cookie } : {}) },
    });
    for (const header of response.headers.getSetCookie()) {
      this.store(header, target.pathname);
    }
    return response;
  }

  /** Follows redirects within this origin; stops at the first one elsewhere and returns its URL. */
  async follow(
    url: string,
    limit = 10,
  ): Promise<{ response: Response; url: string }> {
    let current = new URL(url, this.origin).href;
    for (let hop = 0; hop < limit; hop += 1) {
      const response = await this.fetch(current);
      const location = response.headers.get('location');
      if (response.status < 300 || response.status >= 400 || !location) {
        return { response, url: current };
      }
      const next = new URL(location, current);
      if (next.origin !== this.origin) {
        return { response, url: next.href };
      }
      current = next.href;
    }
    throw new Error(`more than ${limit} redirects from ${url}`);
  }

  cookieNames(): string[] {
    return [...this.cookies.keys()].map((key) => key.split('\n')[0]);
  }

  private cookieHeader(path: string): string {
    return [...this.cookies.entries()]
      .filter(
        ([, cookie]) =>
          path === cookie.path ||
          path.startsWith(
            cookie.path.endsWith('/') ? cookie.path : `${cookie.path}/`,
          ),
      )
      .map(([key, cookie]) => `${key.split('\n')[0]}=${cookie.value}`)
      .join('; ');
  }

  private store(header: string, requestPath: string): void {
    const [pair, ...attributes] = header.split(';').map((part) => part.trim());
    const separator = pair.indexOf('=');
    const name = pair.slice(0, separator);
    const value = pair.slice(separator + 1);
    let path = requestPath.replace(/\/[^/]*$/, '') || '/';
    let expired = value === '';
    for (const attribute of attributes) {
      const [key, attributeValue = ''] = attribute.split('=');
      if (key.toLowerCase() === 'path') {
        path = attributeValue;
      } else if (
        key.toLowerCase() === 'max-age' &&
        Number(attributeValue) <= 0
      ) {
        expired = true;
      } else if (
        key.toLowerCase() === 'expires' &&
        Date.parse(attributeValue) <= Date.now()
      ) {
        expired = true;
      }
    }
    const key = `${name}\n${path}`;
    if (expired) {
      this.cookies.delete(key);
    } else {
      this.cookies.set(key, { value, path });
    }
  }
}
