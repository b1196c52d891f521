import type { AddressInfo } from 'node:net';
import { connect, type Socket } from 'node:net';
import { Body, Controller, Module, Post } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Public } from '../src/auth/decorators/public.decorator';
import { createAppLogger } from '../src/common/logging/app-logger';
import { createTestApp, type TestApp } from './support/app';
import { registerUser, uniqueUsername } from './support/factories';
import { bearer } from './support/http';
import { captureLogs, type CapturedLogs } from './support/logs';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Nest's error shape and nothing else: no stack, no internals. */
function expectErrorBody(
  response: { body: unknown; text: string; headers: Record<string, string> },
  statusCode: number,
  error: string,
): void {
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  expect(response.body).toEqual({
    statusCode,
    error,
    message: expect.any(String),
  });
  expect((response.body as { message: string }).message).not.toBe('');
  expect(response.text).not.toMatch(/\bat \S+ \(|node_modules|stack/i);
}

/** The headers every answer carries, whatever produced it: helmet's and the request id. */
function expectCommonHeaders(
  headers: Record<string, string | string[] | undefined>,
): void {
  expect(headers['x-request-id']).toMatch(UUID);
  expect(headers['content-security-policy']).toMatch(/default-src 'self'/);
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['x-frame-options']).toMatch(/^(DENY|SAMEORIGIN)$/);
  expect(headers['strict-transport-security']).toMatch(/max-age=/);
  expect(headers).not.toHaveProperty('x-powered-by');
}

/** Exactly one request-log line for the request, with this status, and no error logged. */
async function expectOneLogLine(
  logs: CapturedLogs,
  requestId: string,
  expected: Record<string, unknown>,
): Promise<void> {
  const lines = await logs.requestLines(requestId);
  expect(lines).toEqual([expect.objectContaining(expected)]);
  expect(logs.at('error')).toEqual([]);
}

const nestedArrays = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

type supertestRequest = ReturnType<TestApp['http']['get']>;

interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Writes `payload` to a fresh connection and reads whatever comes back until it closes. */
function rawExchange(
  port: number,
  payload: string,
  options: { closeAfterMs?: number } = {},
): Promise<RawAnswer | null> {
  return new Promise((resolve) => {
    const socket: Socket = connect(port, '127.0.0.1');
    let received = '';
    socket.on('data', (chunk) => (received += chunk.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      if (received === '') {
        resolve(null);
        return;
      }
      const [head, ...rest] = received.split('\r\n\r\n');
      const [statusLine, ...headerLines] = head.split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of headerLines) {
        const colon = line.indexOf(':');
        headers[line.slice(0, colon).toLowerCase()] = line
          .slice(colon + 1)
          .trim();
      }
      resolve({
        status: Number(statusLine.split(' ')[1]),
        headers,
        body: rest.join('\r\n\r\n'),
      });
    });
    socket.write(payload);
    if (options.closeAfterMs !== undefined) {
      setTimeout(() => socket.destroy(), options.closeAfterMs);
    }
  });
}

/** A route slow enough for a client to leave while it runs. */
@Controller('slow-probe')
class SlowProbeController {
  @Post()
  @Public()
  async answerLater(@Body() _body: unknown): Promise<{ ok: true }> {
    await new Promise((resolve) => setTimeout(resolve, 300));
    return { ok: true };
  }
}

@Module({ controllers: [SlowProbeController] })
class SlowProbeModule {}

interface OpenApiOperation {
  security?: Record<string, string[]>[];
  parameters?: { name: string; in: string; required?: boolean }[];
}

/** Health names Redis only when REDIS_URL is set (the suite can run either way). */
const redisField = process.env.REDIS_URL ? { redis: 'up' } : {};

describe('HTTP behaviour shared by every route', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  describe('error responses', () => {
    it('answers malformed JSON with a 400 in Nest shape and no stack trace', async () => {
      const response = await t.http
        .post('/api/login')
        .set('Content-Type', 'application/json')
        .send('{"username": "alice", "password": ')
        .expect(400);
      expectErrorBody(response, 400, 'Bad Request');
    });

    it('answers a body over 100 kB with a JSON 413 and creates no account', async () => {
      const username = uniqueUsername();
      const response = await t.http
        .post('/api/register')
        .send({
          username,
          password: 'correct horse 1',
          first_name: 'x'.repeat(200 * 1024),
        })
        .expect(413);
      expectErrorBody(response, 413, 'Payload Too Large');
      await t.http
        .post('/api/login')
        .send({ username, password: 'correct horse 1' })
        .expect(401);
    });

    it.each(['text/plain', 'application/xml'])(
      'answers a body of type %s on /api/register with a JSON 415',
      async (contentType) => {
        const username = uniqueUsername();
        const response = await t.http
          .post('/api/register')
          .set('Content-Type', contentType)
          .send(
            contentType === 'text/plain'
              ? `username=${username}&password=correct+horse+1`
              : `<user><username>${username}</username><password>correct horse 1</password></user>`,
          )
          .expect(415);
        expectErrorBody(response, 415, 'Unsupported Media Type');
        await t.http
          .post('/api/login')
          .send({ username, password: 'correct horse 1' })
          .expect(401);
      },
    );

    it('answers errors to requests injected without a socket (inject())', async () => {
      const response = await t.app
        .getHttpAdapter()
        .getInstance()
        .inject({ method: 'GET', url: '/api/protected' });
      expect(response.statusCode).toBe(401);
      expect(response.json()).toEqual({
        statusCode: 401,
        error: 'Unauthorized',
        message: 'Authentication required',
      });
    });

    it('answers an unknown route with a JSON 404', async () => {
      const response = await t.http.get('/api/no-such-route').expect(404);
      expectErrorBody(response, 404, 'Not Found');
      expect(response.body.message).toContain('/api/no-such-route');
    });

    it('answers a wrong method on a known path with 404, not 405', async () => {
      const response = await t.http.delete('/api/login').expect(404);
      expectErrorBody(response, 404, 'Not Found');
      expect(response.headers).not.toHaveProperty('allow');
    });

    describe('odd bodies answer 400 with a message, never 500', () => {
      it.each<[string, string]>([
        ['a JSON array', '["alice", "correct horse 1"]'],
        ['a JSON number', '42'],
        ['a JSON string', '"alice"'],
        ['JSON null', 'null'],
        ['null fields', '{"username": null, "password": null}'],
        [
          'a numeric username',
          '{"username": 12345, "password": "pass word 1"}',
        ],
        [
          'an object username',
          '{"username": {"a": 1}, "password": "pass 12345"}',
        ],
        [
          'an array password',
          '{"username": "odd_user", "password": ["a", "b"]}',
        ],
      ])('on /api/register: %s', async (_, raw) => {
        const response = await t.http
          .post('/api/register')
          .set('Content-Type', 'application/json')
          .send(raw)
          .expect(400);
        expectErrorBody(response, 400, 'Bad Request');
      });

      it.each<[string, string]>([
        ['a JSON array', '["alice", "correct horse 1"]'],
        ['JSON null', 'null'],
        ['null fields', '{"username": null, "password": null}'],
        [
          'a numeric username',
          '{"username": 12345, "password": "pass word 1"}',
        ],
      ])('on /api/login: %s', async (_, raw) => {
        const response = await t.http
          .post('/api/login')
          .set('Content-Type', 'application/json')
          .send(raw)
          .expect(400);
        expectErrorBody(response, 400, 'Bad Request');
      });
    });
  });

  describe('bodies nested too deeply', () => {
    let logs: CapturedLogs;
    beforeEach(() => {
      logs = captureLogs();
    });
    afterEach(() => logs.restore());

    it.each(['/api/login', '/api/register', '/api/session', '/api/refresh'])(
      'refuses JSON nested 2,000 levels deep (4 kB) on %s with a 400 naming the limit, logging no error',
      async (path) => {
        const response = await t.http
          .post(path)
          .set('Content-Type', 'application/json')
          .send(`{"username":${nestedArrays(2000)},"password":"pass word 1"}`)
          .expect(400);
        expectErrorBody(response, 400, 'Bad Request');
        expect(response.body.message).toBe(
          'Request body nests objects or arrays more than 32 levels deep',
        );
        await expectOneLogLine(logs, response.headers['x-request-id'], {
          path,
          status: 400,
        });
      },
    );

    it('refuses objects nested one level past the limit and creates no account', async () => {
      const username = uniqueUsername();
      const deep = '{"a":'.repeat(32) + '1' + '}'.repeat(32);
      const response = await t.http
        .post('/api/register')
        .set('Content-Type', 'application/json')
        .send(`{"username":"${username}","password":"pass word 1","x":${deep}}`)
        .expect(400);
      expect(response.body.message).toMatch(/more than 32 levels deep/);
      await t.http
        .post('/api/login')
        .send({ username, password: 'pass word 1' })
        .expect(401);
    });

    it('lets a body nested exactly 32 levels through to validation, which names the field', async () => {
      // The outer object is level 1, the username's 31 arrays levels 2 to 32.
      const response = await t.http
        .post('/api/login')
        .set('Content-Type', 'application/json')
        .send(`{"username":${nestedArrays(31)},"password":"pass word 1"}`)
        .expect(400);
      expectErrorBody(response, 400, 'Bad Request');
      expect(response.body.message).toContain('username must be a string');
      expect(logs.at('error')).toEqual([]);
    });

    it('parses a form body flat: 2,000 bracket levels are one unknown key, not a nesting', async () => {
      const key = `x${'[y]'.repeat(2000)}`;
      const response = await t.http
        .post('/api/login')
        .type('form')
        .send(`username=alice&password=pass+word+1&${key}=1`)
        .expect(400);
      expectErrorBody(response, 400, 'Bad Request');
      expect(response.body.message).toBe(`property ${key} should not exist`);
      expect(logs.at('error')).toEqual([]);
    });

    it('refuses a form body with a __proto__ field, as a JSON one', async () => {
      const response = await t.http
        .post('/api/register')
        .type('form')
        .send('username=protoform&password=pass+word+1&__proto__=admin')
        .expect(400);
      expectErrorBody(response, 400, 'Bad Request');
      expect(response.body.message).toBe(
        'Object contains forbidden prototype property',
      );
      await t.http
        .post('/api/login')
        .send({ username: 'protoform', password: 'pass word 1' })
        .expect(401);
    });
  });

  describe('answers Fastify gives before Nest sees the request', () => {
    let logs: CapturedLogs;
    beforeEach(() => {
      logs = captureLogs();
    });
    afterEach(() => logs.restore());

    it.each<[string, string, string, number, string, RegExp]>([
      [
        'a bad percent escape',
        'GET',
        '/api/users/%',
        400,
        'Bad Request',
        /^The request path is not valid percent-encoding/,
      ],
      [
        'a truncated escape before a query',
        'DELETE',
        '/api/sessions/%E0%A4%A?page=1',
        400,
        'Bad Request',
        /^The request path is not valid percent-encoding/,
      ],
      [
        'a path parameter over 100 characters',
        'GET',
        `/api/users/${'a'.repeat(101)}`,
        414,
        'URI Too Long',
        /^A path parameter is longer than 100 characters$/,
      ],
    ])(
      'answers %s in the one shape, with the same headers and a log line',
      async (_, method, path, status, error, message) => {
        const response =
          await t.http[method.toLowerCase() as 'get' | 'delete'](path).expect(
            status,
          );
        expectErrorBody(response, status, error);
        expect(response.body.message).toMatch(message);
        expect(response.text).not.toMatch(/FST_|code/);
        expect(response.text).not.toContain(path.split('?')[0]);
        expectCommonHeaders(response.headers);
        await expectOneLogLine(logs, response.headers['x-request-id'], {
          method,
          path,
          route: null,
          status,
        });
      },
    );

    it('keeps the client’s request id and redacts an api_key in the logged path', async () => {
      const response = await t.http
        .get('/api/users/%?api_key=gkey_secret_value')
        .set('X-Request-Id', 'bad-url-1')
        .expect(400);
      expect(response.headers['x-request-id']).toBe('bad-url-1');
      await expectOneLogLine(logs, 'bad-url-1', {
        path: '/api/users/%?api_key=[REDACTED]',
        status: 400,
      });
    });

    it('answers HEAD with a bad escape with the status and headers, and no body', async () => {
      const response = await t.http.head('/api/users/%').expect(400);
      expect(response.text ?? '').toBe('');
      expectCommonHeaders(response.headers);
    });
  });

  describe('answers produced outside any handler', () => {
    let logs: CapturedLogs;
    beforeEach(() => {
      logs = captureLogs();
    });
    afterEach(() => logs.restore());

    it.each<[string, () => supertestRequest, number, string, RegExp]>([
      [
        'an unknown route',
        () => t.http.get('/api/no-such-route'),
        404,
        'Not Found',
        /^Cannot GET \/api\/no-such-route$/,
      ],
      [
        'a known path with a method it does not serve',
        () => t.http.put('/api/login'),
        404,
        'Not Found',
        /^Cannot PUT \/api\/login$/,
      ],
      [
        'OPTIONS (no CORS origins configured)',
        () => t.http.options('/api/login'),
        404,
        'Not Found',
        /^Cannot OPTIONS \/api\/login$/,
      ],
      [
        'a body of an unsupported type',
        () =>
          t.http
            .post('/api/login')
            .set('Content-Type', 'application/xml')
            .send('<a/>'),
        415,
        'Unsupported Media Type',
        /^Content-Type must be application\/json or application\/x-www-form-urlencoded$/,
      ],
      [
        'an empty body sent as JSON',
        () =>
          t.http
            .post('/api/login')
            .set('Content-Type', 'application/json')
            .send(''),
        400,
        'Bad Request',
        /^Body cannot be empty when content-type is set to 'application\/json'$/,
      ],
      [
        'malformed JSON',
        () =>
          t.http
            .post('/api/register')
            .set('Content-Type', 'application/json')
            .send('{"username": '),
        400,
        'Bad Request',
        /^Body is not valid JSON/,
      ],
      [
        'JSON sent as a form (curl -d without a Content-Type)',
        () =>
          t.http
            .post('/api/session')
            .type('form')
            .send('{"username":"alice","password":"pass word 1"}'),
        400,
        'Bad Request',
        /^The body is JSON but Content-Type says it is a form: send Content-Type: application\/json$/,
      ],
      [
        'a body over the limit',
        () =>
          t.http
            .post('/api/login')
            .set('Content-Type', 'application/json')
            .send(`"${'x'.repeat(200 * 1024)}"`),
        413,
        'Payload Too Large',
        /^Request body is too large$/,
      ],
    ])(
      'answers %s in the one shape, with the same headers and one log line',
      async (_, send, status, error, message) => {
        const response = await send().expect(status);
        expectErrorBody(response, status, error);
        expect(response.body.message).toMatch(message);
        expectCommonHeaders(response.headers);
        await expectOneLogLine(logs, response.headers['x-request-id'], {
          status,
        });
      },
    );

    it('answers HEAD like GET, without the body: on a route and on an unknown path', async () => {
      const ok = await t.http.head('/api/health').expect(200);
      expect(ok.text ?? '').toBe('');
      expectCommonHeaders(ok.headers);
      const missing = await t.http.head('/api/no-such-route').expect(404);
      expect(missing.text ?? '').toBe('');
      expectCommonHeaders(missing.headers);
      await expectOneLogLine(logs, missing.headers['x-request-id'], {
        method: 'HEAD',
        status: 404,
      });
    });

    it('answers JSON whatever the Accept header asks for, rather than 406', async () => {
      const response = await t.http
        .get('/api/health')
        .set('Accept', 'text/html')
        .expect(200);
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      expect(response.body.status).toBe('ok');
    });
  });

  describe('connections that never make a request', () => {
    let own: TestApp;
    let port: number;
    let logs: CapturedLogs;
    beforeAll(async () => {
      own = await createTestApp({ imports: [SlowProbeModule] });
      await own.app.listen(0, '127.0.0.1');
      port = (own.app.getHttpServer().address() as AddressInfo).port;
    });
    afterAll(() => own.close());
    beforeEach(() => {
      logs = captureLogs();
    });
    afterEach(() => logs.restore());

    it.each<[string, string, number, string, string]>([
      [
        'a request that is not HTTP',
        'HELLO THERE\r\n\r\n',
        400,
        'Bad Request',
        'The request is not valid HTTP/1.1',
      ],
      [
        'headers over 16 KB',
        `GET /api/health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
        431,
        'Request Header Fields Too Large',
        'The request headers are larger than 16384 bytes',
      ],
      [
        'a Content-Length that is not a number',
        'POST /api/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ten\r\n\r\n{}',
        400,
        'Bad Request',
        'Content-Length must be a single number of bytes',
      ],
    ])(
      'answers %s in the one shape, with the same headers and a log line',
      async (_, payload, status, error, message) => {
        const answer = await rawExchange(port, payload);
        expect(answer).not.toBeNull();
        expect(answer!.status).toBe(status);
        expect(answer!.headers['content-type']).toMatch(/^application\/json/);
        expect(JSON.parse(answer!.body)).toEqual({
          statusCode: status,
          error,
          message,
        });
        expectCommonHeaders(answer!.headers);
        expect(answer!.headers.connection).toBe('close');
        await expectOneLogLine(logs, answer!.headers['x-request-id'], {
          method: null,
          path: null,
          status,
        });
      },
    );

    it('answers 408 in the one shape when the headers do not arrive in time', async () => {
      const server = own.app.getHttpServer();
      const accepted = new Promise<Socket>((resolve) =>
        server.once('connection', resolve),
      );
      const answer = rawExchange(
        port,
        'GET /api/health HTTP/1.1\r\nHost: x\r\n',
      );
      // What Node does once headersTimeout (or requestTimeout) runs out.
      server.emit(
        'clientError',
        Object.assign(new Error('Request timeout'), {
          code: 'ERR_HTTP_REQUEST_TIMEOUT',
        }),
        await accepted,
      );
      const timedOut = await answer;
      expect(timedOut!.status).toBe(408);
      expect(JSON.parse(timedOut!.body)).toEqual({
        statusCode: 408,
        error: 'Request Timeout',
        message: 'The request was not received in time',
      });
      expectCommonHeaders(timedOut!.headers);
      await expectOneLogLine(logs, timedOut!.headers['x-request-id'], {
        status: 408,
      });
    });

    it.each<[string, string]>([
      [
        'a client that leaves mid-body',
        'POST /api/login HTTP/1.1\r\nHost: x\r\nX-Request-Id: left-mid-body\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"username":',
      ],
      [
        'a client that leaves while the handler runs',
        'POST /api/slow-probe HTTP/1.1\r\nHost: x\r\nX-Request-Id: left-in-handler\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}',
      ],
      [
        'a chunked body that is not valid HTTP',
        'POST /api/register HTTP/1.1\r\nHost: x\r\nX-Request-Id: bad-chunk\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n',
      ],
    ])(
      'logs %s once, as aborted, with no error and no stack',
      async (_, payload) => {
        const requestId = /X-Request-Id: (\S+)/.exec(payload)![1];
        await rawExchange(port, payload, { closeAfterMs: 100 });
        await expectOneLogLine(logs, requestId, {
          method: 'POST',
          status: null,
          aborted: true,
        });
        expect(logs.at('warn')).toEqual([]);
      },
    );
  });

  describe('while the server shuts down', () => {
    it('answers a request that arrives during the drain with a 503 in the one shape', async () => {
      const own = await createTestApp();
      const logs = captureLogs();
      let closing: Promise<void> | undefined;
      try {
        await own.app.listen(0, '127.0.0.1');
        const port = (own.app.getHttpServer().address() as AddressInfo).port;
        // Headers begun before the shutdown keep the connection open; they end after it began.
        const socket = connect(port, '127.0.0.1');
        let received = '';
        socket.on('data', (chunk) => (received += chunk.toString()));
        const closed = new Promise((resolve) => socket.on('close', resolve));
        socket.write('GET /api/health HTTP/1.1\r\nHost: x\r\n');
        await new Promise((resolve) => setTimeout(resolve, 50));
        closing = own.close();
        await new Promise((resolve) => setTimeout(resolve, 20));
        socket.write('X-Request-Id: during-drain\r\n\r\n');
        await closed;
        await closing;

        const [head, body] = received.split('\r\n\r\n');
        expect(head).toMatch(/^HTTP\/1\.1 503 /);
        expect(head).toMatch(/^connection: close$/im);
        expect(head).toMatch(/^x-request-id: during-drain$/im);
        expect(head).toMatch(/^x-content-type-options: nosniff$/im);
        expect(head).toMatch(/^content-security-policy: default-src 'self'/im);
        expect(JSON.parse(body)).toEqual({
          statusCode: 503,
          error: 'Service Unavailable',
          message: 'The server is shutting down: send the request again',
        });
        await expectOneLogLine(logs, 'during-drain', { status: 503 });
      } finally {
        logs.restore();
        await (closing ?? own.close());
      }
    });

    it('writes log lines as they come once it starts closing, since the process may end before the next turn', async () => {
      const own = await createTestApp();
      await own.close();
      const written: string[] = [];
      const stdout = jest
        .spyOn(process.stdout, 'write')
        .mockImplementation((chunk) => {
          written.push(String(chunk));
          return true;
        });
      try {
        createAppLogger('log').log({ msg: 'after close' });
        expect(written).toEqual([
          expect.stringContaining('"message":{"msg":"after close"}'),
        ]);
      } finally {
        stdout.mockRestore();
      }
    });
  });

  describe('the same mistake gets the same message on login, session and register', () => {
    const ROUTES = ['/api/login', '/api/session', '/api/register'];
    const REQUIRED = (field: string) =>
      `${field} is required: send it as a string in a JSON or form body`;

    it.each<[string, Record<string, unknown> | undefined, string]>([
      ['a missing password', { username: 'alice' }, REQUIRED('password')],
      [
        'a null password',
        { username: 'alice', password: null },
        REQUIRED('password'),
      ],
      ['a missing username', { password: 'pass word 1' }, REQUIRED('username')],
      [
        'an empty object',
        {},
        `${REQUIRED('username')}; ${REQUIRED('password')}`,
      ],
      [
        'no body at all',
        undefined,
        `${REQUIRED('username')}; ${REQUIRED('password')}`,
      ],
      [
        'a numeric password',
        { username: 'alice', password: 12345678 },
        'password must be a string',
      ],
    ])('%s', async (_, body, message) => {
      for (const path of ROUTES) {
        const request = t.http.post(path);
        const response = await (body === undefined
          ? request
          : request.send(body));
        expect({ path, status: response.status, body: response.body }).toEqual({
          path,
          status: 400,
          body: { statusCode: 400, error: 'Bad Request', message },
        });
      }
    });

    it('a form body missing the password', async () => {
      for (const path of ROUTES) {
        const response = await t.http
          .post(path)
          .type('form')
          .send('username=alice');
        expect([path, response.status, response.body.message]).toEqual([
          path,
          400,
          REQUIRED('password'),
        ]);
      }
    });

    it('a body that is not JSON nor a form', async () => {
      for (const path of ROUTES) {
        const response = await t.http
          .post(path)
          .set('Content-Type', 'text/plain')
          .send('alice:pass word 1');
        expect([path, response.status, response.body.message]).toEqual([
          path,
          415,
          'Content-Type must be application/json or application/x-www-form-urlencoded',
        ]);
      }
    });
  });

  describe('X-Request-Id', () => {
    it('is on every response: 200, 400, 401, 404 and 413', async () => {
      const responses = await Promise.all([
        t.http.get('/api/health').expect(200),
        t.http.post('/api/register').send({}).expect(400),
        t.http.get('/api/protected').expect(401),
        t.http.get('/api/nowhere').expect(404),
        t.http
          .post('/api/register')
          .send({ first_name: 'x'.repeat(200 * 1024) })
          .expect(413),
      ]);
      const ids = responses.map((r) => r.headers['x-request-id']);
      for (const id of ids) {
        expect(id).toMatch(UUID);
      }
      expect(new Set(ids).size).toBe(ids.length);
    });

    it('echoes a plain client-sent id', async () => {
      const ok = await t.http
        .get('/api/health')
        .set('X-Request-Id', 'abc-123')
        .expect(200);
      expect(ok.headers['x-request-id']).toBe('abc-123');

      const failed = await t.http
        .get('/api/protected')
        .set('X-Request-Id', 'abc-123')
        .expect(401);
      expect(failed.headers['x-request-id']).toBe('abc-123');
    });

    it.each([
      ['300 characters long', 'a'.repeat(300)],
      ['containing a space', 'a b'],
      ['containing quotes and angle brackets', '"><script>'],
    ])('replaces a hostile id %s with a generated one', async (_, hostile) => {
      const response = await t.http
        .get('/api/health')
        .set('X-Request-Id', hostile)
        .expect(200);
      expect(response.headers['x-request-id']).toMatch(UUID);
      expect(response.headers['x-request-id']).not.toBe(hostile);
    });
  });

  describe('security headers', () => {
    it('sets helmet headers and no x-powered-by, on success and on errors', async () => {
      for (const response of [
        await t.http.get('/api/health').expect(200),
        await t.http.get('/api/protected').expect(401),
        await t.http.get('/api/nowhere').expect(404),
      ]) {
        expect(response.headers['x-content-type-options']).toBe('nosniff');
        expect(response.headers['x-frame-options']).toMatch(
          /^(DENY|SAMEORIGIN)$/,
        );
        expect(response.headers['content-security-policy']).toMatch(
          /default-src 'self'/,
        );
        expect(response.headers).not.toHaveProperty('x-powered-by');
      }
    });
  });

  describe('GET /api/health', () => {
    it('reports the database up', async () => {
      const response = await t.http.get('/api/health').expect(200);
      expect(response.body).toEqual({
        status: 'ok',
        database: 'up',
        ...redisField,
      });
    });

    it('answers 503 while the database is down and 200 once it is back', async () => {
      const own = await createTestApp();
      const dataSource = own.app.get(DataSource);
      try {
        await own.http.get('/api/health').expect(200);
        await dataSource.destroy();

        const down = await own.http.get('/api/health').expect(503);
        expect(down.body).toEqual({
          status: 'error',
          database: 'down',
          ...redisField,
        });
        expect(down.headers['x-request-id']).toMatch(UUID);

        await dataSource.initialize();
        const up = await own.http.get('/api/health').expect(200);
        expect(up.body).toEqual({
          status: 'ok',
          database: 'up',
          ...redisField,
        });
      } finally {
        // Closing a destroyed DataSource may throw; the data folder goes either way.
        await own.close().catch(() => undefined);
      }
    });
  });

  describe('OpenAPI', () => {
    it('serves the docs UI as HTML', async () => {
      const response = await t.http.get('/api/docs').expect(200);
      expect(response.headers['content-type']).toMatch(/^text\/html/);
      expect(response.text).toMatch(/<html/i);
      expect(response.text).toMatch(/swagger/i);
    });

    it('declares exactly the four security schemes and applies them per route', async () => {
      const response = await t.http.get('/api/docs-json').expect(200);
      const doc = response.body;
      expect(doc.openapi).toMatch(/^3\./);
      expect(Object.keys(doc.components.securitySchemes).sort()).toEqual([
        'api-key',
        'basic',
        'jwt',
        'oauth',
        'session',
      ]);
      expect(doc.components.securitySchemes).toMatchObject({
        basic: { type: 'http', scheme: 'basic' },
        jwt: { type: 'http', scheme: 'bearer' },
        'api-key': { type: 'apiKey', in: 'header', name: 'X-API-Key' },
        session: { type: 'apiKey', in: 'cookie', name: 'sid' },
        oauth: {
          type: 'http',
          scheme: 'bearer',
          description: expect.stringContaining('/oauth/token'),
        },
      });
      expect(doc.security ?? []).toEqual([]);

      const protectedGet: OpenApiOperation = doc.paths['/api/protected'].get;
      expect(protectedGet.security).toEqual([{ jwt: [] }]);
      const dataGet: OpenApiOperation = doc.paths['/api/data'].get;
      expect(dataGet.security).toContainEqual({ oauth: [] });
    });

    it('documents the one error shape, and the 400 and 415 of the routes that take credentials', async () => {
      const doc = (await t.http.get('/api/docs-json').expect(200)).body;
      expect(doc.components.schemas.ErrorResponse).toMatchObject({
        type: 'object',
        properties: {
          statusCode: { type: 'number' },
          error: { type: 'string' },
          message: { type: 'string' },
        },
        required: ['statusCode', 'error', 'message'],
      });
      const errorSchema = { $ref: '#/components/schemas/ErrorResponse' };
      for (const path of ['/api/login', '/api/session', '/api/register']) {
        const responses = doc.paths[path].post.responses;
        expect(responses['400'].content['application/json'].schema).toEqual(
          errorSchema,
        );
        expect(responses['400'].description).toMatch(/32 levels deep/);
        expect(responses['415'].description).toBe(
          'Content-Type must be application/json or application/x-www-form-urlencoded',
        );
      }
      const protectedGet = doc.paths['/api/protected'].get.responses;
      expect(protectedGet['401'].content['application/json'].schema).toEqual(
        errorSchema,
      );
    });

    it('documents /api/login as needing no credential, with Basic optional', async () => {
      const response = await t.http.get('/api/docs-json').expect(200);
      const login: OpenApiOperation = response.body.paths['/api/login'].post;
      const security = login.security ?? [];
      for (const requirement of security) {
        expect(Object.keys(requirement).every((name) => name === 'basic')).toBe(
          true,
        );
      }
      // An OpenAPI security list is a choice of requirements: without {} one of them is mandatory.
      if (security.length > 0) {
        expect(security).toContainEqual({});
      }
      const requiredParameters = (login.parameters ?? []).filter(
        (parameter) => parameter.required,
      );
      expect(requiredParameters).toEqual([]);

      // And the server agrees: a body alone logs in.
      const user = await registerUser(t.http);
      await t.http
        .post('/api/login')
        .send({ username: user.username, password: user.password })
        .expect(200);
    });
  });

  describe('Authorization header on a jwt route', () => {
    it('answers an unknown scheme with 401 and a Bearer challenge', async () => {
      const response = await t.http
        .get('/api/protected')
        .set('Authorization', 'Digest abc')
        .expect(401);
      expectErrorBody(response, 401, 'Unauthorized');
      expect(response.headers['www-authenticate']).toMatch(
        /^Bearer realm="gatehouse"/,
      );
    });

    it.each<[string, Record<string, string>, string]>([
      [
        "a tutorial's 'JWT <token>'",
        { Authorization: 'JWT eyJhbGciOiJIUzI1NiJ9.e30.c2ln' },
        "Unsupported Authorization scheme 'JWT'; send the access token as 'Authorization: Bearer <token>'",
      ],
      [
        'a bare token with no scheme word, which it does not repeat',
        { Authorization: 'eyJhbGciOiJIUzI1NiJ9.e30.c2ln' },
        "The Authorization header names no scheme; send the access token as 'Authorization: Bearer <token>'",
      ],
      [
        "a tutorial's x-access-tokens header",
        { 'x-access-tokens': 'eyJhbGciOiJIUzI1NiJ9.e30.c2ln' },
        "The x-access-tokens header is not read; send the access token as 'Authorization: Bearer <token>'",
      ],
    ])(
      'answers %s with a 401 saying what to send',
      async (_, headers, message) => {
        const response = await t.http
          .get('/api/protected')
          .set(headers)
          .expect(401);
        expect(response.body).toEqual({
          statusCode: 401,
          error: 'Unauthorized',
          message,
        });
        expect(response.headers['www-authenticate']).toBe(
          'Bearer realm="gatehouse"',
        );
      },
    );

    it('answers a garbage bearer token with 401 and error="invalid_token"', async () => {
      const response = await t.http
        .get('/api/protected')
        .set(bearer('garbage'))
        .expect(401);
      expectErrorBody(response, 401, 'Unauthorized');
      expect(response.headers['www-authenticate']).toMatch(
        /^Bearer realm="gatehouse", .*error="invalid_token"/,
      );
      expect(response.body).not.toHaveProperty('stack');
    });
  });
});
