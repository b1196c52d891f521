import { type AddressInfo, createServer } from 'node:net';
import { everyInterface, listeningMessage } from './listen-address';

const at = (port: number): AddressInfo => ({
  address: 'ignored',
  family: 'IPv4',
  port,
});

describe(listeningMessage.name, () => {
  it('names both address families for ::, with a docs URL on localhost', () => {
    expect(listeningMessage('::', at(3000))).toBe(
      'Listening on http://[::]:3000 (every IPv6 and IPv4 interface); API docs at http://localhost:3000/api/docs',
    );
  });

  it('says IPv4 only for 0.0.0.0, with a docs URL on 127.0.0.1', () => {
    expect(listeningMessage('0.0.0.0', at(8080))).toBe(
      'Listening on http://0.0.0.0:8080 (every IPv4 interface); API docs at http://127.0.0.1:8080/api/docs',
    );
  });

  it('uses the chosen address, bracketing IPv6, and the port actually bound', () => {
    expect(listeningMessage('::1', at(41234))).toBe(
      'Listening on http://[::1]:41234; API docs at http://[::1]:41234/api/docs',
    );
    expect(listeningMessage('gatehouse.internal', at(80))).toBe(
      'Listening on http://gatehouse.internal:80; API docs at http://gatehouse.internal:80/api/docs',
    );
  });
});

describe(everyInterface.name, () => {
  it('picks :: exactly when this machine can bind an IPv6 socket', async () => {
    const ipv6 = await new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen({ host: '::', port: 0 }, () =>
        server.close(() => resolve(true)),
      );
    });
    expect(await everyInterface()).toBe(ipv6 ? '::' : '0.0.0.0');
  });

  it('falls back to 0.0.0.0 when the IPv6 bind fails', async () => {
    // 2001:db8::/32 is for documentation: no machine has it, so the bind fails.
    expect(await everyInterface('2001:db8::1')).toBe('0.0.0.0');
  });
});
