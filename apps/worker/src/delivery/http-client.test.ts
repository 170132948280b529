import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AddressPolicy } from './address-policy';
import { HttpClient, RESPONSE_BODY_LIMIT } from './http-client';

describe('HttpClient (real sockets on loopback)', () => {
  let server: Server;
  let port: number;
  const loopbackAllowed = new AddressPolicy([
    { address: '127.0.0.0', prefix: 8, family: 4 },
    { address: '::1', prefix: 128, family: 6 },
  ]);
  const clients: HttpClient[] = [];
  const client = (policy = loopbackAllowed, timeoutMs = 1_000) => {
    const c = new HttpClient({ policy, timeoutMs });
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/endless') {
        res.writeHead(200);
        const chunk = Buffer.alloc(4096, 120);
        const pump = () => {
          while (res.write(chunk));
        };
        res.on('drain', pump);
        pump();
        return;
      }
      if (req.url === '/hang') return; // never answers
      if (req.url === '/reset') return req.socket.destroy();
      res.writeHead(201, { 'x-seen': 'yes' }).end('created');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('posts and reads the answer', async () => {
    const result = await client().post(`http://127.0.0.1:${port}/ok`, { 'content-type': 'application/json' }, '{}');
    expect(result).toMatchObject({ statusCode: 201, body: 'created', errorKind: null });
    expect(result.headers?.['x-seen']).toBe('yes');
  });

  it('refuses a hostname that resolves to a private address, checked in the socket lookup', async () => {
    const result = await client(new AddressPolicy()).post(`http://localhost:${port}/ok`, {}, '{}');
    expect(result).toMatchObject({ statusCode: null, errorKind: 'address_refused' });
  });

  it.each(['127.0.0.1', '127.1', '2130706433', '0x7f000001', '0177.0.0.1', '[::1]', '[::ffff:127.0.0.1]'])('refuses the literal %s', async (host) => {
    const result = await client(new AddressPolicy()).post(`http://${host}:${port}/ok`, {}, '{}');
    expect(result.errorKind).toBe('address_refused');
  });

  it('cuts an endless body at 16 KiB instead of waiting for it', async () => {
    const result = await client().post(`http://127.0.0.1:${port}/endless`, {}, '{}');
    expect(result.statusCode).toBe(200);
    expect(Buffer.byteLength(result.body!)).toBe(RESPONSE_BODY_LIMIT);
  });

  it('gives up on a receiver that never answers within the timeout', async () => {
    const started = Date.now();
    const result = await client(loopbackAllowed, 300).post(`http://127.0.0.1:${port}/hang`, {}, '{}');
    expect(result).toMatchObject({ statusCode: null, errorKind: 'timeout' });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('reports a reset connection', async () => {
    const result = await client().post(`http://127.0.0.1:${port}/reset`, {}, '{}');
    expect(result).toMatchObject({ statusCode: null, errorKind: 'connection_reset' });
  });
});
