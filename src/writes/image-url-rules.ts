import { BlockList, isIPv4, isIPv6 } from 'node:net';
import { violation, type Violation } from './violations.js';

/**
 * Image URLs (docs/writes.md): `https` on a public host. For listings Amazon fetches the image itself
 * (https://developer-docs.amazon.com/sp-api/docs/submit-media); for A+ the broker downloads it
 * (image-fetch.ts). HTTPS is the broker's policy (Amazon also takes http and s3://). The URL check
 * needs no DNS: it refuses what is visibly not public (IP literals outside the public internet in
 * every spelling, local names, credentials, any port but 443). The download checks each resolved
 * address with the same classifier, `isNonPublicIp`. Formats by extension: JPEG, PNG, TIFF, GIF
 * (Amazon's "Technical image file requirements").
 */

/**
 * IPv4 ranges that are not globally reachable (IANA IPv4 Special-Purpose Address Registry,
 * https://www.iana.org/assignments/iana-ipv4-special-registry/), plus multicast and 240/4.
 */
const NON_PUBLIC = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], // "this network": 0.0.0.0 reaches the local host on Linux
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // CGNAT (some clouds' metadata lives here, e.g. 100.100.100.200)
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local (cloud metadata: 169.254.169.254)
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24], // 6to4 relay anycast (deprecated)
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const) {
  NON_PUBLIC.addSubnet(net, prefix, 'ipv4');
}
// IPv6 outside 2000::/3 is refused whole (below); these are the non-public blocks inside it
// (IANA IPv6 Special-Purpose Address Registry).
for (const [net, prefix] of [
  ['2001::', 23], // IETF protocol assignments: Teredo 2001::/32 (tunnels to any IPv4), benchmarking, ORCHID
  ['2001:db8::', 32], // documentation
  ['3fff::', 20], // documentation (RFC 9637)
] as const) {
  NON_PUBLIC.addSubnet(net, prefix, 'ipv6');
}
const GLOBAL_UNICAST_V6 = new BlockList();
GLOBAL_UNICAST_V6.addSubnet('2000::', 3, 'ipv6');

/** The 8 hextets of a valid IPv6 address (an embedded dotted IPv4 tail is folded in). */
function hextets(address: string): number[] {
  let text = address;
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, -dotted[0].length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const zeros = tail === undefined ? [] : Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...zeros, ...right].map((h) => parseInt(h, 16));
}

const v4From = (high: number, low: number) => `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;

/**
 * The IPv4 address an IPv6 address stands for, when it is one a public host may have: IPv4-mapped
 * `::ffff:0:0/96` (a dual-stack socket connects to the IPv4 address itself), the NAT64 well-known
 * prefix `64:ff9b::/96` (RFC 6052) and 6to4 `2002::/16`. Each is judged as its IPv4 address, so
 * the NAT64 form of a public address stays public, as it is on a real NAT64 network. The other
 * embedding forms are not global unicast and are refused whole below: IPv4-compatible `::/96`
 * (deprecated by RFC 4291; `::127.0.0.1`), IPv4-translated `::ffff:0:0:0/96` (RFC 2765;
 * `::ffff:0:7f00:1`) and the local-use NAT64 prefix `64:ff9b:1::/48` (RFC 8215).
 */
function embeddedV4(h: readonly number[]): string | undefined {
  const at = (i: number) => h[i] ?? 0;
  const zero = (from: number, to: number) => h.slice(from, to).every((x) => x === 0);
  if (zero(0, 5) && at(5) === 0xffff) return v4From(at(6), at(7));
  if (at(0) === 0x64 && at(1) === 0xff9b && zero(2, 6)) return v4From(at(6), at(7));
  if (at(0) === 0x2002) return v4From(at(1), at(2));
  return undefined;
}

/**
 * Whether an IP address is outside the public internet: the one classifier of image URL literals
 * and of the addresses a download resolves to. Anything that is not an IP address counts as not
 * public, so a caller that gets an unexpected value fails closed. IPv6 is public only inside
 * global unicast 2000::/3; outside it are `::`, `::1`, the embedding forms refused above, unique
 * local fc00::/7 (fd00::/8), link-local fe80::/10, multicast ff00::/8 and what IANA has not allocated.
 */
export function isNonPublicIp(raw: string): boolean {
  const address = raw.replace(/^\[(.*)\]$/, '$1').replace(/%.*$/, '').toLowerCase();
  if (isIPv4(address)) return NON_PUBLIC.check(address, 'ipv4');
  if (!isIPv6(address)) return true;
  const v4 = embeddedV4(hextets(address));
  if (v4 !== undefined) return NON_PUBLIC.check(v4, 'ipv4');
  return !GLOBAL_UNICAST_V6.check(address, 'ipv6') || NON_PUBLIC.check(address, 'ipv6');
}

/**
 * Names that never reach the public internet: single labels, `localhost` and its subdomains
 * (RFC 6761), mDNS `.local`, `.onion`, the special-use and private-use suffixes, and `.arpa`
 * (reverse-lookup names stand for addresses).
 */
const LOCAL_NAME = /(^|\.)(localhost|local|internal|localdomain|lan|intranet|corp|home|arpa|test|invalid|example|onion)$/;
export const IMAGE_EXTENSIONS = ['.jpg', '.jpeg', '.png', '.tif', '.tiff', '.gif'] as const;

type Host = { kind: 'ip'; address: string } | { kind: 'name'; name: string } | { kind: 'invalid' };

/**
 * The host as a resolver would see it. The WHATWG parser already turns `2130706433`, `0x7f.1`,
 * `0177.0.0.1`, `127.1` and full-width digits into `127.0.0.1`, and drops one trailing dot of an
 * IPv4 host, but keeps `localhost..` and `0x7f.1..` as names; resolvers ignore trailing dots, so
 * all of them are dropped and the rest parsed again.
 */
function hostOf(url: URL): Host {
  const hostname = url.hostname.toLowerCase();
  if (hostname.startsWith('[')) return { kind: 'ip', address: hostname.slice(1, -1) };
  const trimmed = hostname.replace(/\.+$/, '');
  if (trimmed === '' || trimmed.split('.').includes('')) return { kind: 'invalid' };
  let reparsed: string;
  try {
    reparsed = new URL(`https://${trimmed}/`).hostname;
  } catch {
    return { kind: 'invalid' };
  }
  return isIPv4(reparsed) ? { kind: 'ip', address: reparsed } : { kind: 'name', name: reparsed.replace(/\.+$/, '') };
}

const PRIVATE_ADDRESS = 'must be on a public host: the image URL points to a private, loopback, link-local or reserved address';

/** Checks one image URL; returns the violations (empty when acceptable). */
export function checkImageUrl(raw: string, field: string): Violation[] {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return [violation('IMAGE_URL_INVALID', field, 'is not a valid URL')];
  }
  if (url.protocol !== 'https:') return [violation('IMAGE_URL_NOT_HTTPS', field, `must use https (got ${url.protocol.replace(':', '')})`)];
  if (url.username || url.password) return [violation('IMAGE_URL_CREDENTIALS', field, 'must not carry a user name or password')];
  if (url.port !== '') return [violation('IMAGE_URL_PORT', field, `must use the default https port 443 (got port ${url.port})`)];
  const host = hostOf(url);
  if (host.kind === 'invalid') return [violation('IMAGE_URL_INVALID', field, 'has a host name that is not valid')];
  if (host.kind === 'ip' && isNonPublicIp(host.address)) return [violation('IMAGE_URL_PRIVATE_HOST', field, PRIVATE_ADDRESS)];
  if (host.kind === 'name' && (!host.name.includes('.') || LOCAL_NAME.test(host.name))) {
    return [violation('IMAGE_URL_PRIVATE_HOST', field, `must be on a public host; "${host.name}" is a local name`)];
  }
  const path = decodeURIComponentSafe(url.pathname).toLowerCase();
  if (!IMAGE_EXTENSIONS.some((ext) => path.endsWith(ext))) {
    return [violation('IMAGE_FORMAT', field, `must end in ${IMAGE_EXTENSIONS.join(' ')} (Amazon takes JPEG, PNG, TIFF and non-animated GIF images)`)];
  }
  return [];
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
