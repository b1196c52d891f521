// A local server speaking the part of GitHub that sign-in uses: /login/oauth/authorize (which
// approves at once, as the person `user`, or denies), /login/oauth/access_token (checking the
// client, the code, the redirect URI and PKCE), GET /user and GET /user/emails.
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface GitHubPerson {
  id: number;
  login: string;
  name: string | null;
  emails: { email: string; primary: boolean; verified: boolean }[];
}

interface IssuedCode {
  person: GitHubPerson;
  redirectUri: string;
  challenge: string | null;
  challengeMethod: string | null;
}

export class FakeGitHub {
  /** Who is "signed in at GitHub" and approves the next authorization. */
  person: GitHubPerson | null = null;
  /** The next authorization is refused by the person (error=access_denied). */
  deny = false;
  /** Every /login/oauth/authorize query and /login/oauth/access_token form, for assertions. */
  readonly authorizeRequests: URLSearchParams[] = [];
  readonly tokenRequests: URLSearchParams[] = [];
  private readonly codes = new Map<string, IssuedCode>();
  private readonly tokens = new Map<string, GitHubPerson>();
  private server?: Server;

  constructor(
    readonly clientId: string,
    readonly clientSecret: string,
  ) {}

  get url(): string {
    const { port } = this.server!.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      void this.handle(request.method ?? 'GET', request.url ?? '/', request)
        .then(({ status, headers, body }) => {
          response.writeHead(status, headers);
          response.end(body);
        })
        .catch(() => {
          response.writeHead(500);
          response.end();
        });
    });
    await new Promise<void>((resolve) =>
      this.server!.listen(0, '127.0.0.1', resolve),
    );
  }

  async stop(): Promise<void> {
    await new Promise((resolve) => this.server?.close(resolve));
  }

  private async handle(
    method: string,
    rawUrl: string,
    request: NodeJS.ReadableStream & {
      headers: Record<string, string | string[] | undefined>;
    },
  ): Promise<{
    status: number;
    headers: Record<string, string>;
    body: string;
  }> {
    const url = new URL(rawUrl, 'http://github.test');
    const json = (status: number, value: unknown) => ({
      status,
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify(value),
    });
    if (method === 'GET' && url.pathname === '/login/oauth/authorize') {
      const query = url.searchParams;
      this.authorizeRequests.push(query);
      const back = new URL(query.get('redirect_uri') ?? '');
      back.searchParams.set('state', query.get('state') ?? '');
      if (this.deny || !this.person) {
        back.searchParams.set('error', 'access_denied');
      } else {
        const code = randomBytes(10).toString('hex');
        this.codes.set(code, {
          person: this.person,
          redirectUri: query.get('redirect_uri') ?? '',
          challenge: query.get('code_challenge'),
          challengeMethod: query.get('code_challenge_method'),
        });
        back.searchParams.set('code', code);
      }
      return { status: 302, headers: { location: back.href }, body: '' };
    }
    if (method === 'POST' && url.pathname === '/login/oauth/access_token') {
      let raw = '';
      for await (const chunk of request) {
        raw += String(chunk);
      }
      const form = new URLSearchParams(raw);
      this.tokenRequests.push(form);
      const issued = this.codes.get(form.get('code') ?? '');
      this.codes.delete(form.get('code') ?? '');
      // GitHub answers its errors with 200 and an `error` field.
      if (
        form.get('client_id') !== this.clientId ||
        form.get('client_secret') !== this.clientSecret
      ) {
        return json(200, { error: 'incorrect_client_credentials' });
      }
      const verifier = form.get('code_verifier') ?? '';
      if (
        !issued ||
        issued.redirectUri !== form.get('redirect_uri') ||
        issued.challengeMethod !== 'S256' ||
        createHash('sha256').update(verifier).digest('base64url') !==
          issued.challenge
      ) {
        return json(200, { error: 'bad_verification_code' });
      }
      const token = `gho_${randomBytes(16).toString('hex')}`;
      this.tokens.set(token, issued.person);
      return json(200, {
        access_token: token,
        token_type: 'bearer',
        scope: 'read:user,user:email',
      });
    }
    const authorization = request.headers.authorization;
    const person = this.tokens.get(
      typeof authorization === 'string'
        ? authorization.replace(/^Bearer /, '')
        : '',
    );
    if (method === 'GET' && url.pathname === '/user') {
      return person
        ? json(200, { id: person.id, login: person.login, name: person.name })
        : json(401, { message: 'Bad credentials' });
    }
    if (method === 'GET' && url.pathname === '/user/emails') {
      return person
        ? json(
            200,
            person.emails.map((entry) => ({ ...entry, visibility: null })),
          )
        : json(401, { message: 'Bad credentials' });
    }
    return json(404, { message: 'Not Found' });
  }
}
