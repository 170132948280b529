import dns from 'node:dns';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AddressPolicy } from '../../apps/worker/src/delivery/address-policy';
import { HttpClient } from '../../apps/worker/src/delivery/http-client';
import { LoopbackGuard } from './support/loopback-guard';

/**
 * SSRF, against the worker's own HttpClient and AddressPolicy. Complements
 * apps/worker/src/delivery/address-policy.test.ts and http-client.test.ts
 * (loopback literals 127.0.0.1, 127.1, 2130706433, 0x7f000001, 0177.0.0.1,
 * [::1], [::ffff:127.0.0.1], `localhost`, and the base ranges) with the forms
 * those do not cover. Every connection the client tries is checked by a guard:
 * nothing here ever leaves loopback.
 */
describe('SSRF: what a delivery may connect to', () => {
  const guard = new LoopbackGuard();
  const clients: HttpClient[] = [];
  const client = (policy = new AddressPolicy(), timeoutMs = 1_000) => {
    const c = new HttpClient({ policy, timeoutMs });
    clients.push(c);
    return c;
  };
  const loopbackOnly = () => new AddressPolicy([{ address: '127.0.0.0', prefix: 8, family: 4 }]);
  const servers: Server[] = [];
  const serve = async (handler: Parameters<typeof createServer>[1]) => {
    const server = createServer(handler);
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return (server.address() as AddressInfo).port;
  };

  beforeAll(() => guard.install());
  afterEach(() => jest.restoreAllMocks());
  afterAll(async () => {
    guard.uninstall();
    await Promise.all(clients.map((c) => c.close()));
    for (const server of servers) server.closeAllConnections();
    await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  });
  afterAll(() => expect(guard.refused).toEqual([]));

  describe('AddressPolicy on resolved addresses', () => {
    const strict = new AddressPolicy();
    it.each([
      ['10.255.255.255', 'private, top of 10/8'],
      ['172.20.10.1', 'private 172.16/12'],
      ['192.168.255.254', 'private'],
      ['100.100.100.200', 'CGNAT (Alibaba Cloud metadata)'],
      ['169.254.170.2', 'link-local (ECS task metadata)'],
      ['224.0.0.1', 'multicast'],
      ['0.0.0.1', 'this network'],
      ['FD00:EC2::254', 'EC2 metadata (IPv6), upper case'],
      ['fe80::a9fe:a9fe', 'IPv6 link-local'],
      ['ff05::1:3', 'IPv6 site multicast'],
      ['::ffff:10.0.0.1', 'IPv4-mapped private'],
      ['::ffff:a9fe:a9fe', 'IPv4-mapped metadata, hex form'],
      ['0:0:0:0:0:ffff:7f00:1', 'IPv4-mapped loopback, uncompressed'],
      ['::ffff:100.64.0.1', 'IPv4-mapped CGNAT'],
      ['::ffff:224.0.0.1', 'IPv4-mapped multicast'],
      ['64:ff9b::a9fe:a9fe', 'NAT64 of metadata, hex form'],
      ['64:ff9b:1::a00:1', 'local-use NAT64'],
      ['::127.0.0.1', 'IPv4-compatible loopback'],
      ['::7f00:1', 'IPv4-compatible loopback, hex form'],
      ['::a9fe:a9fe', 'IPv4-compatible metadata, hex form'],
      ['::ffff:0:7f00:1', 'IPv4-translated loopback'],
    ])('refuses %s (%s)', (address) => {
      expect(strict.permits(address)).toBe(false);
    });

    it('an allowed range opens only itself', () => {
      const policy = new AddressPolicy([{ address: '127.0.0.0', prefix: 8, family: 4 }]);
      expect(policy.permits('127.0.0.1')).toBe(true);
      expect(policy.permits('::ffff:127.0.0.1')).toBe(true);
      expect(policy.permits('::1')).toBe(false);
      expect(policy.permits('169.254.169.254')).toBe(false);
      expect(policy.permits('10.0.0.1')).toBe(false);
    });
  });

  describe('URLs with an address literal (refused before any socket)', () => {
    it.each([
      'http://169.254.169.254/latest/meta-data/',
      'http://[fd00:ec2::254]/latest/meta-data/',
      'http://2852039166/',
      'http://0xA9FEA9FE/',
      'http://0xa9.0xfe.0xa9.0xfe/',
      'http://0251.0376.0251.0376/',
      'http://169.254.43518/',
      'http://10.0.0.1:8080/hook',
      'http://167772161/',
      'http://192.168.1.1/',
      'http://172.16.0.1/',
      'http://100.64.0.1/',
      'http://224.0.0.1/',
      'http://0/',
      'http://0.0.0.0:3000/',
      'http://[::]/',
      'http://[::ffff:a9fe:a9fe]/',
      'http://[::ffff:10.0.0.1]/',
      'http://[0:0:0:0:0:ffff:7f00:1]/',
      'http://[::7f00:1]/',
      'http://[fe80::1]/',
      'https://127.0.0.1:8443/',
      'https://[::1]/',
    ])('refuses %s', async (url) => {
      const result = await client().post(url, {}, '{}');
      expect(result).toMatchObject({ statusCode: null, errorKind: 'address_refused', durationMs: 0 });
    });
  });

  describe('hostnames: the answer the connection uses is the answer checked', () => {
    /** A made-up name with a chosen DNS answer: no real resolver is asked. */
    const answer = (table: Record<string, Array<{ address: string; family: number }>>) => {
      const real = dns.lookup;
      const calls: string[] = [];
      jest.spyOn(dns, 'lookup').mockImplementation(((hostname: string, options: unknown, callback: (...args: unknown[]) => void) => {
        const cb = (typeof options === 'function' ? options : callback) as (...args: unknown[]) => void;
        const addresses = table[hostname];
        if (!addresses) return (real as (...args: unknown[]) => void)(hostname, options, callback);
        calls.push(hostname);
        const all = typeof options === 'object' && options !== null && (options as { all?: boolean }).all;
        process.nextTick(() => (all ? cb(null, addresses) : cb(null, addresses[0]!.address, addresses[0]!.family)));
      }) as typeof dns.lookup);
      return calls;
    };

    it.each([
      ['metadata.hookline.test', [{ address: '169.254.169.254', family: 4 }]],
      ['metadata6.hookline.test', [{ address: 'fd00:ec2::254', family: 6 }]],
      ['private.hookline.test', [{ address: '10.1.2.3', family: 4 }]],
      ['cgnat.hookline.test', [{ address: '100.64.3.4', family: 4 }]],
      ['mapped.hookline.test', [{ address: '::ffff:127.0.0.1', family: 6 }]],
      ['loopback.hookline.test', [{ address: '127.0.0.53', family: 4 }]],
      ['multicast.hookline.test', [{ address: '239.1.1.1', family: 4 }]],
      // One private address among public ones refuses the name: the connection could use any of them.
      ['mixed.hookline.test', [{ address: '93.184.215.14', family: 4 }, { address: '10.0.0.1', family: 4 }]],
    ])('refuses %s', async (hostname, addresses) => {
      const calls = answer({ [hostname]: addresses });
      const result = await client().post(`http://${hostname}:8080/hook`, {}, '{}');
      expect(result).toMatchObject({ statusCode: null, errorKind: 'address_refused' });
      expect(calls).toContain(hostname);
    });

    it.each(['localhost', 'LOCALHOST'])('refuses %s, resolved by the system (/etc/hosts)', async (hostname) => {
      const result = await client().post(`http://${hostname}:9/hook`, {}, '{}');
      expect(result.errorKind).toBe('address_refused');
    });

    it('rebinding: an answer that turns private between two connections is refused at the second', async () => {
      const port = await serve((_req, res) => res.writeHead(200, { connection: 'close' }).end('ok'));
      // 127.0.0.1 stands in for "public" (the policy allows it, as DELIVERY_ALLOWED_CIDRS would); nothing public is contacted.
      const answers = [
        [{ address: '127.0.0.1', family: 4 }],
        [{ address: '169.254.169.254', family: 4 }],
      ];
      let lookups = 0;
      jest.spyOn(dns, 'lookup').mockImplementation(((hostname: string, options: unknown, callback: (...args: unknown[]) => void) => {
        const cb = (typeof options === 'function' ? options : callback) as (...args: unknown[]) => void;
        if (hostname !== 'rebind.hookline.test') throw new Error(`unexpected lookup of ${hostname}`);
        const addresses = answers[Math.min(lookups++, answers.length - 1)]!;
        process.nextTick(() => cb(null, addresses));
      }) as typeof dns.lookup);
      const c = client(loopbackOnly());
      const first = await c.post(`http://rebind.hookline.test:${port}/hook`, {}, '{}');
      expect(first).toMatchObject({ statusCode: 200, errorKind: null });
      const second = await c.post(`http://rebind.hookline.test:${port}/hook`, {}, '{}');
      expect(second).toMatchObject({ statusCode: null, errorKind: 'address_refused' });
      // The check ran in the lookup of each new connection, not once up front.
      expect(lookups).toBe(2);
    });
  });

  describe('redirects', () => {
    it.each([301, 302, 303, 307, 308])('a %i is the answer: never followed, not even to a private address', async (status) => {
      let reached = 0;
      const target = await serve((_req, res) => {
        reached += 1;
        res.writeHead(200).end('should not be reached');
      });
      const metadata = await serve((req, res) =>
        res.writeHead(status, { location: req.url === '/to-metadata' ? 'http://169.254.169.254/latest/meta-data/' : `http://127.0.0.1:${target}/elsewhere` }).end(),
      );
      const c = client(loopbackOnly());
      const local = await c.post(`http://127.0.0.1:${metadata}/to-target`, {}, '{}');
      const remote = await c.post(`http://127.0.0.1:${metadata}/to-metadata`, {}, '{}');
      expect(local.statusCode).toBe(status);
      expect(remote.statusCode).toBe(status);
      expect(reached).toBe(0);
    });
  });
});
