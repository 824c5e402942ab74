import type { LookupAddress } from 'node:dns';
import { describe, expect, it } from 'vitest';
import { publicOnly, type Resolve } from '../../src/writes/image-fetch.js';
import { checkImageUrl, isNonPublicIp } from '../../src/writes/image-url-rules.js';

const codes = (url: string) => checkImageUrl(url, 'params.main_image_url').map((v) => v.code);

/** Non-public IP literals in the spellings an attacker tries; each is refused as a URL and as a DNS answer. */
const NON_PUBLIC_V4 = ['127.0.0.1', '127.255.255.254', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.64.0.1', '100.127.255.254', '100.100.100.200', '0.0.0.0', '0.1.2.3', '224.0.0.1', '239.255.255.250', '255.255.255.255', '240.0.0.1', '198.18.0.1', '192.0.0.8', '192.0.2.1', '192.88.99.1'];
const NON_PUBLIC_V6 = [
  '::1',
  '::',
  'fc00::1',
  'fd00::1',
  'fd00:ec2::254', // AWS IMDS over IPv6
  'fd12:3456::1',
  'fe80::1',
  'febf:ffff::1',
  'fec0::1',
  'ff02::1',
  '100::1',
  '::ffff:127.0.0.1', // IPv4-mapped, dotted
  '::ffff:7f00:1', // IPv4-mapped, hex
  '0:0:0:0:0:ffff:7f00:1',
  '::ffff:169.254.169.254',
  '::ffff:0:7f00:1', // IPv4-translated (RFC 2765)
  '::ffff:0:808:808', // IPv4-translated is not global unicast, whatever it embeds
  '::127.0.0.1', // IPv4-compatible (deprecated)
  '::8.8.8.8',
  '64:ff9b::7f00:1', // NAT64 well-known prefix
  '64:ff9b::10.0.0.1',
  '64:ff9b:1::808:808', // NAT64 local-use prefix: never global
  '2002:7f00:1::1', // 6to4 of 127.0.0.1
  '2002:a9fe:a9fe::1', // 6to4 of 169.254.169.254
  '2001::1', // Teredo
  '2001:db8::1',
  '3fff::1',
];
const PUBLIC = ['93.184.216.34', '8.8.8.8', '1.1.1.1', '2606:4700:4700::1111', '2a00:1450:4001::1', '::ffff:8.8.8.8', '64:ff9b::808:808', '2002:808:808::1'];

describe('image URL rules', () => {
  it('accepts https images on public hosts, with query strings, trailing dots and public IP literals', () => {
    for (const url of [
      'https://images.example.com/p/mug.jpg',
      'https://images.example.com./p/mug.jpg',
      'https://cdn.shop.co.uk/a/b/photo.JPEG?v=3',
      'https://m.media-amazon.com/images/I/71abc.png',
      'https://bucket.s3.amazonaws.com/x.tif',
      'https://bucket.s3.amazonaws.com/x.tiff',
      'https://example.org/anim.gif',
      'https://93.184.216.34/mug.jpg',
      'https://[2606:4700:4700::1111]/mug.png',
      'https://[::ffff:5db8:d822]/mug.png',
      'https://example.com:443/mug.jpg',
    ]) {
      expect(codes(url), url).toEqual([]);
    }
  });

  it('refuses other schemes, credentials, ports and hosts with empty labels', () => {
    expect(codes('http://example.com/a.jpg')).toEqual(['IMAGE_URL_NOT_HTTPS']);
    expect(codes('ftp://example.com/a.jpg')).toEqual(['IMAGE_URL_NOT_HTTPS']);
    expect(codes('s3://bucket/a.jpg')).toEqual(['IMAGE_URL_NOT_HTTPS']);
    expect(codes('https://user:pw@example.com/a.jpg')).toEqual(['IMAGE_URL_CREDENTIALS']);
    expect(codes('https://user@example.com/a.jpg')).toEqual(['IMAGE_URL_CREDENTIALS']);
    expect(codes('https://example.com:8443/a.jpg')).toEqual(['IMAGE_URL_PORT']);
    expect(codes('not a url')).toEqual(['IMAGE_URL_INVALID']);
    expect(codes('https://images..example.com/a.jpg')).toEqual(['IMAGE_URL_INVALID']);
    expect(codes('https://./a.jpg')).toEqual(['IMAGE_URL_INVALID']);
    // "1.2.3.4.5" ends in a number but is no IPv4 address: the parser refuses it once the dots are gone.
    expect(codes('https://1.2.3.4.5../a.jpg')).toEqual(['IMAGE_URL_INVALID']);
  });

  it('what the WHATWG URL parser already normalises, and what it leaves to the rules', () => {
    const host = (url: string) => new URL(url).hostname;
    // Numeric, octal, hex, short and full-width IPv4 spellings become dotted decimal; one trailing dot is dropped.
    for (const spelling of ['2130706433', '0x7f.1', '0177.0.0.1', '0x7f000001', '127.1', '127.0.0.1.', '１２７.０.０.１', '%31%32%37.0.0.1']) {
      expect(host(`https://${spelling}/a.png`), spelling).toBe('127.0.0.1');
    }
    expect(host('https://0/a.png')).toBe('0.0.0.0');
    // IPv6 is compressed and a dotted tail turned into hex; the embedding is still there.
    expect(host('https://[::ffff:127.0.0.1]/a.png')).toBe('[::ffff:7f00:1]');
    expect(host('https://[::ffff:0:127.0.0.1]/a.png')).toBe('[::ffff:0:7f00:1]');
    // Several trailing dots keep a name a name, IPv4-looking or not: the rules drop them.
    expect(host('https://localhost../a.png')).toBe('localhost..');
    expect(host('https://0x7f.1../a.png')).toBe('0x7f.1..');
    expect(host('https://ＬＯＣＡＬＨＯＳＴ/a.png')).toBe('localhost');
  });

  it('refuses non-public IPv4 literals in every spelling, with or without trailing dots', () => {
    for (const address of NON_PUBLIC_V4) {
      expect(codes(`https://${address}/a.jpg`), address).toEqual(['IMAGE_URL_PRIVATE_HOST']);
      expect(codes(`https://${address}../a.jpg`), `${address}..`).toEqual(['IMAGE_URL_PRIVATE_HOST']);
    }
    for (const spelling of ['127.1', '2130706433', '2130706433..', '0x7f000001', '0x7f.1', '0x7f.1.', '0x7f.1...', '0177.0.0.1', '0177.0.0.1..', '0', '0xa9fea9fe', '１２７.０.０.１']) {
      expect(codes(`https://${spelling}/a.jpg`), spelling).toEqual(['IMAGE_URL_PRIVATE_HOST']);
    }
  });

  it('refuses IPv6 literals outside global unicast, and the IPv4-embedding forms of non-public addresses', () => {
    for (const address of NON_PUBLIC_V6) {
      expect(codes(`https://[${address}]/a.jpg`), address).toEqual(['IMAGE_URL_PRIVATE_HOST']);
    }
    expect(codes('https://[::ffff:0:7f00:1]/a.png')).toEqual(['IMAGE_URL_PRIVATE_HOST']);
    expect(codes('https://[0000:0000:0000:0000:0000:ffff:7f00:0001]/a.png')).toEqual(['IMAGE_URL_PRIVATE_HOST']);
  });

  it('refuses local names, their subdomains and trailing-dot spellings', () => {
    for (const host of [
      'localhost',
      'LOCALHOST.',
      'localhost..',
      'localhost...',
      'api.localhost',
      'foo.localhost',
      'foo.localhost..',
      'printer.local',
      'metadata.google.internal',
      'metadata.google.internal.',
      'instance-data.ec2.internal',
      'intranet',
      'intranet.',
      'nas.lan',
      'box.home.arpa',
      '1.0.0.127.in-addr.arpa',
      'shop.test',
      'hidden.onion',
      'ＬＯＣＡＬＨＯＳＴ',
    ]) {
      expect(codes(`https://${host}/a.jpg`), host).toEqual(['IMAGE_URL_PRIVATE_HOST']);
    }
  });

  it('never echoes an address in its message', () => {
    const [found] = checkImageUrl('https://[::ffff:a9fe:a9fe]/a.png', 'params.main_image_url');
    expect(found?.message).toBe('must be on a public host: the image URL points to a private, loopback, link-local or reserved address');
  });

  it('accepts only Amazon image formats by extension', () => {
    expect(codes('https://example.com/a.webp')).toEqual(['IMAGE_FORMAT']);
    expect(codes('https://example.com/a.svg')).toEqual(['IMAGE_FORMAT']);
    expect(codes('https://example.com/image')).toEqual(['IMAGE_FORMAT']);
    expect(codes('https://example.com/a.jpg.exe')).toEqual(['IMAGE_FORMAT']);
    expect(checkImageUrl('https://example.com/a.bmp', 'params.other_image_urls.2')[0]?.field).toBe('params.other_image_urls.2');
  });
});

describe('the address classifier, shared by the URL rules and the connection lookup', () => {
  it('classifies addresses as DNS answers them (zone ids, brackets) and fails closed on anything else', () => {
    for (const address of [...NON_PUBLIC_V4, ...NON_PUBLIC_V6, 'fe80::1%eth0', '[::1]', 'not-an-address', '']) {
      expect(isNonPublicIp(address), address).toBe(true);
    }
    for (const address of PUBLIC) expect(isNonPublicIp(address), address).toBe(false);
  });

  /** The connection's lookup over a resolver that answers `addresses` for every name. */
  const lookupWith = (addresses: LookupAddress[], all: boolean) =>
    new Promise<{ error: NodeJS.ErrnoException | null; answer: unknown }>((resolve) => {
      const fake: Resolve = (_hostname, _options, callback) => callback(null, addresses);
      publicOnly(fake)('images.example.com', { all }, (error, answer) => resolve({ error, answer }));
    });
  const family = (address: string) => (address.includes(':') ? 6 : 4);

  it('refuses a name whose DNS answer holds any non-public address, in every spelling the URL rules refuse', async () => {
    for (const address of [...NON_PUBLIC_V4, ...NON_PUBLIC_V6]) {
      for (const all of [false, true]) {
        const { error } = await lookupWith([{ address: '93.184.216.34', family: 4 }, { address, family: family(address) }], all);
        expect(error?.code, address).toBe('EPRIVATEADDRESS');
      }
    }
    expect((await lookupWith([], true)).error?.code).toBe('EPRIVATEADDRESS');
  });

  it('connects to a name whose DNS answer is public only', async () => {
    for (const address of PUBLIC) {
      expect(await lookupWith([{ address, family: family(address) }], false), address).toEqual({ error: null, answer: address });
    }
    const both: LookupAddress[] = [{ address: '93.184.216.34', family: 4 }, { address: '2606:4700:4700::1111', family: 6 }];
    expect(await lookupWith(both, true)).toEqual({ error: null, answer: both });
  });
});
