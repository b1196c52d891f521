import { Logger } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { logRequest } from './request-log';

const request = {
  id: 'req-1',
  method: 'GET',
  url: '/api/data?api_key=secret',
  raw: {},
  routeOptions: { url: '/api/data' },
  user: null,
} as unknown as FastifyRequest;

describe('logRequest', () => {
  afterEach(() => jest.restoreAllMocks());

  it('writes one line, the URL redacted, when level log is on', () => {
    jest.spyOn(Logger, 'isLevelEnabled').mockReturnValue(true);
    const log = jest
      .spyOn(Logger.prototype, 'log')
      .mockImplementation(() => undefined);
    logRequest(request, 200, 1.234);
    expect(log).toHaveBeenCalledTimes(1);
    expect(log.mock.calls[0][0]).toEqual(
      expect.objectContaining({
        msg: 'request',
        request_id: 'req-1',
        route: '/api/data',
        status: 200,
        duration_ms: 1.2,
      }),
    );
    expect(JSON.stringify(log.mock.calls[0][0])).not.toContain('secret');
  });

  it('builds nothing when level log is off (LOG_LEVEL=warn)', () => {
    const levels = jest.spyOn(Logger, 'isLevelEnabled').mockReturnValue(false);
    const log = jest
      .spyOn(Logger.prototype, 'log')
      .mockImplementation(() => undefined);
    logRequest(request, 200, 1);
    expect(levels).toHaveBeenCalledWith('log');
    expect(log).not.toHaveBeenCalled();
  });
});
