import { BlockList, isIP } from 'node:net';

export interface CidrRange {
  address: string;
  prefix: number;
  family: 4 | 6;
}

// Everything a webhook URL must not reach unless the operator allows it:
// loopback, private, link-local (incl. cloud metadata 169.254.169.254),
// CGNAT, multicast, reserved and documentation ranges, for both families.
const BLOCKED_V4: Array<[string, number]> = [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
];
const BLOCKED_V6: Array<[string, number]> = [
  // Unspecified, loopback and IPv4-compatible (deprecated; routed to the IPv4 host by a sit tunnel where one is up).
  ['::', 96],
  ['::ffff:0:0:0', 96], // IPv4-translated (SIIT)
  ['64:ff9b:1::', 48], // local-use NAT64
  ['100::', 64], // discard
  ['2001:db8::', 32], // documentation
  // 6to4 and Teredo embed an IPv4 address (2002:7f00:1:: is 127.0.0.1 behind a relay); both are
  // obsolete for servers, so they are refused whole rather than judged by what they embed.
  ['2002::', 16], // 6to4
  ['2001::', 32], // Teredo
  ['fc00::', 7], // unique local, includes fd00:ec2::254 (EC2 metadata)
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated, still routed by some stacks)
  ['ff00::', 8], // multicast
];

/**
 * IPv4 embedded in IPv6: mapped (::ffff:a.b.c.d) and NAT64 (64:ff9b::/96),
 * judged as the IPv4 address they reach. IPv4-compatible addresses (::/96)
 * are refused whole instead: `::7f00:1` and `::127.0.0.1` are one address.
 */
function embeddedIPv4(address: string): string | null {
  const lower = address.toLowerCase();
  const dotted = /^(?:::ffff:|64:ff9b::)(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (dotted) return dotted[1]!;
  const hex = /^(?:::ffff:|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  if (hex) {
    const high = parseInt(hex[1]!, 16);
    const low = parseInt(hex[2]!, 16);
    return `${high >> 8}.${high & 0xff}.${low >> 8}.${low & 0xff}`;
  }
  return null;
}

export class AddressPolicy {
  private readonly blocked = new BlockList();
  private readonly allowed = new BlockList();

  constructor(allowedRanges: CidrRange[] = []) {
    for (const [address, prefix] of BLOCKED_V4) this.blocked.addSubnet(address, prefix, 'ipv4');
    for (const [address, prefix] of BLOCKED_V6) this.blocked.addSubnet(address, prefix, 'ipv6');
    for (const range of allowedRanges) this.allowed.addSubnet(range.address, range.prefix, range.family === 4 ? 'ipv4' : 'ipv6');
  }

  /** True when a delivery may connect to this resolved address. */
  permits(address: string): boolean {
    const family = isIP(address);
    if (family === 0) return false;
    if (family === 6) {
      const v4 = embeddedIPv4(address);
      if (v4 !== null) return this.permits(v4);
    }
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (this.allowed.check(address, type)) return true;
    return !this.blocked.check(address, type);
  }
}
