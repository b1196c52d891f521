import { Body, Controller, Get, Module, Post } from '@nestjs/common';
import { Public } from '../src/auth/decorators/public.decorator';
import { currentRequest } from '../src/common/http/request-context';
import { createTestApp, type TestApp } from './support/app';

@Controller('context-probe')
class ContextProbeController {
  @Get()
  @Public()
  read() {
    return currentRequest() ?? null;
  }

  @Post()
  @Public()
  async write(@Body() _body: unknown) {
    // Across an await, as services see it.
    await new Promise((resolve) => setTimeout(resolve, 5));
    return currentRequest() ?? null;
  }
}

@Module({ controllers: [ContextProbeController] })
class ContextProbeModule {}

describe('request context', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ imports: [ContextProbeModule] });
  });
  afterAll(() => t.close());

  it('carries the request id, client address and user agent into a handler', async () => {
    const response = await t.http
      .get('/api/context-probe')
      .set('X-Request-Id', 'ctx-get-1')
      .set('User-Agent', 'probe/1.0')
      .expect(200);
    expect(response.body).toEqual({
      requestId: 'ctx-get-1',
      ip: expect.stringMatching(/127\.0\.0\.1|::1/),
      userAgent: 'probe/1.0',
    });
  });

  it('survives body parsing and awaits, and never leaks between concurrent requests', async () => {
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        t.http
          .post('/api/context-probe')
          .set('X-Request-Id', `ctx-post-${i}`)
          .send({ n: i }),
      ),
    );
    responses.forEach((response, i) => {
      expect(response.status).toBe(201);
      expect(response.body.requestId).toBe(`ctx-post-${i}`);
    });
  });
});
