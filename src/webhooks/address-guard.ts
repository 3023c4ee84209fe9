// Where webhooks may not go: loopback, link-local (and so the cloud metadata
// address 169.254.169.254), private, shared, multicast and reserved
// addresses, unless the operator allows the host (WEBHOOK_ALLOWED_HOSTS).
// A literal address is refused when the endpoint is registered; a name is
// checked against every address it resolves to at each delivery, and the
// connection goes to the address that was checked (guardedLookup), so a DNS
// answer that changes in between (rebinding) cannot redirect it.
import { lookup } from 'node:dns';
import net from 'node:net';

const FORBIDDEN = new net.BlockList();
const V4: [string, number, string][] = [
  ['0.0.0.0', 8, 'an unspecified'],
  ['10.0.0.0', 8, 'a private'],
  ['100.64.0.0', 10, 'a shared (carrier-grade NAT)'],
  ['127.0.0.0', 8, 'a loopback'],
  ['169.254.0.0', 16, 'a link-local'],
  ['172.16.0.0', 12, 'a private'],
  ['192.0.0.0', 24, 'a reserved'],
  ['192.168.0.0', 16, 'a private'],
  ['198.18.0.0', 15, 'a benchmarking'],
  ['224.0.0.0', 4, 'a multicast'],
  ['240.0.0.0', 4, 'a reserved'],
];
const V6: [string, number, string][] = [
  ['::', 128, 'an unspecified'],
  ['::1', 128, 'a loopback'],
  // IPv4-compatible (::7f00:1 is 127.0.0.1), deprecated: nothing legitimate is there.
  ['::', 96, 'an IPv4-compatible'],
  ['100::', 64, 'a discard-only'],
  ['64:ff9b:1::', 48, 'a local NAT64'],
  // 6to4 carries an IPv4 address (2002:7f00:1:: is 127.0.0.1) and is long obsolete.
  ['2002::', 16, 'a 6to4'],
  ['2001:db8::', 32, 'a documentation'],
  ['fc00::', 7, 'a private'],
  ['fe80::', 10, 'a link-local'],
  ['fec0::', 10, 'a site-local'],
  ['ff00::', 8, 'a multicast'],
];
for (const [address, prefix] of V4) FORBIDDEN.addSubnet(address, prefix, 'ipv4');
for (const [address, prefix] of V6) FORBIDDEN.addSubnet(address, prefix, 'ipv6');

/** The kind of forbidden address `address` is ("a loopback"), or undefined when webhooks may go there. */
export function forbiddenKind(address: string): string | undefined {
  const family = net.isIP(address);
  if (family === 0) return undefined;
  // An IPv4 address inside IPv6 (::ffff:127.0.0.1, NAT64 64:ff9b::7f00:1) is judged as that IPv4 address.
  const embedded = family === 6 ? embeddedV4(address) : undefined;
  if (embedded) return forbiddenKind(embedded);
  const type = family === 4 ? 'ipv4' : 'ipv6';
  if (!FORBIDDEN.check(address, type)) return undefined;
  const rules = family === 4 ? V4 : V6;
  const one = rules.find(([base, prefix]) => {
    const list = new net.BlockList();
    list.addSubnet(base, prefix, type);
    return list.check(address, type);
  });
  return one?.[2] ?? 'a forbidden';
}

function embeddedV4(address: string): string | undefined {
  const lower = address.toLowerCase();
  const dotted = /^(?:::ffff:|64:ff9b::)(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (dotted) return dotted[1];
  const hex = /^(?:::ffff:|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  if (!hex) return undefined;
  const high = Number.parseInt(hex[1]!, 16);
  const low = Number.parseInt(hex[2]!, 16);
  return [high >> 8, high & 255, low >> 8, low & 255].join('.');
}

/** The host of a URL as written, without IPv6 brackets. */
export const hostOf = (url: URL): string => url.hostname.replace(/^\[(.*)\]$/, '$1');

export class ForbiddenAddressError extends Error {}

/**
 * A `lookup` for node:http that resolves `hostname`, refuses the answer if
 * any address is forbidden, and connects to the first checked one.
 */
export function guardedLookup(allowedHosts: ReadonlySet<string>): net.LookupFunction {
  return (hostname, options, callback) => {
    lookup(hostname, { all: true, family: options.family }, (error, addresses) => {
      if (error) return callback(error, '', 4);
      const allowed = allowedHosts.has(hostname.toLowerCase());
      const refused = allowed ? undefined : addresses.find((a) => forbiddenKind(a.address));
      if (refused) {
        const kind = forbiddenKind(refused.address);
        return callback(
          new ForbiddenAddressError(`${hostname} resolves to ${refused.address}, ${kind} address`),
          '',
          4,
        );
      }
      const first = addresses[0];
      if (!first) return callback(new Error(`${hostname} has no address`), '', 4);
      // node:net asks for all addresses when it races IPv4 and IPv6 (autoSelectFamily).
      if ((options as { all?: boolean }).all)
        return (callback as unknown as (e: null, a: typeof addresses) => void)(null, addresses);
      callback(null, first.address, first.family);
    });
  };
}
