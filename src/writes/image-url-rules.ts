import { BlockList, isIPv4, isIPv6 } from 'node:net';
import { violation, type Violation } from './violations.js';

/**
 * Image URLs for listings (docs/writes.md): `https` on a public host. Amazon fetches the image itself,
 * asynchronously (https://developer-docs.amazon.com/sp-api/docs/submit-media); the broker never
 * downloads it. HTTPS is the broker's policy (Amazon also takes http and s3://). The checks are on
 * the URL alone — no DNS lookup — so they refuse what is visibly not public: IP literals in private,
 * loopback, link-local, CGNAT, multicast, reserved or unspecified ranges (IPv4 and IPv6, including
 * IPv4-mapped, IPv4-compatible, NAT64 and 6to4 forms), local names, credentials in the URL and any
 * port but 443. Formats by extension: JPEG, PNG, TIFF, GIF (Amazon's "Technical image file requirements").
 */
const V4 = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], // "this network", unspecified
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // CGNAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local (cloud metadata lives here)
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const) {
  V4.addSubnet(net, prefix, 'ipv4');
}

const V6 = new BlockList();
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['100::', 64], // discard
  ['2001:db8::', 32], // documentation
  ['2001::', 32], // Teredo (tunnels to arbitrary IPv4)
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
] as const) {
  V6.addSubnet(net, prefix, 'ipv6');
}

/** The 8 hextets of an IPv6 address (with an embedded dotted IPv4 tail, if any). */
function hextets(address: string): number[] {
  let text = address;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted?.[1]) {
    const [a, b, c, d] = dotted[1].split('.').map(Number) as [number, number, number, number];
    text = `${text.slice(0, -dotted[1].length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const left = head ? head.split(':') : [];
  const right = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const zeros = tail === undefined ? [] : Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...zeros, ...right].map((h) => parseInt(h, 16));
}

const v4From = (high: number, low: number) => `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;

/** The IPv4 address an IPv6 address stands for (mapped, compatible, NAT64, 6to4), if any. */
function embeddedV4(h: number[]): string | undefined {
  const at = (i: number) => h[i] ?? 0;
  const zeroUpTo = (n: number) => h.slice(0, n).every((x) => x === 0);
  if (zeroUpTo(5) && at(5) === 0xffff) return v4From(at(6), at(7)); // ::ffff:a.b.c.d
  if (zeroUpTo(6)) return v4From(at(6), at(7)); // ::a.b.c.d (deprecated IPv4-compatible)
  if (at(0) === 0x64 && at(1) === 0xff9b) return v4From(at(6), at(7)); // NAT64 64:ff9b::/96 and 64:ff9b:1::/48
  if (at(0) === 0x2002) return v4From(at(1), at(2)); // 6to4
  return undefined;
}

/** Whether an IP literal is outside the public internet. */
export function isNonPublicIp(address: string): boolean {
  if (isIPv4(address)) return V4.check(address, 'ipv4');
  if (!isIPv6(address)) return false;
  if (V6.check(address, 'ipv6')) return true;
  const v4 = embeddedV4(hextets(address.toLowerCase()));
  return v4 !== undefined && V4.check(v4, 'ipv4');
}

const LOCAL_NAME = /(^|\.)(localhost|local|internal|localdomain|lan|intranet|corp|home|home\.arpa|arpa|test|invalid|example)$/i;
export const IMAGE_EXTENSIONS = ['.jpg', '.jpeg', '.png', '.tif', '.tiff', '.gif'] as const;

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
  const host = url.hostname.toLowerCase().replace(/\.$/, '');
  const literal = host.startsWith('[') ? host.slice(1, -1) : host;
  if (isIPv4(literal) || isIPv6(literal)) {
    if (isNonPublicIp(literal)) {
      return [violation('IMAGE_URL_PRIVATE_HOST', field, `must be on a public host; ${literal} is a private, loopback, link-local or reserved address`)];
    }
  } else if (!host.includes('.') || LOCAL_NAME.test(host)) {
    return [violation('IMAGE_URL_PRIVATE_HOST', field, `must be on a public host; "${host}" is a local name`)];
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
