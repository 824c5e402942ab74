import { describe, expect, it } from 'vitest';
import { checkImageUrl, isNonPublicIp } from '../../src/writes/image-url-rules.js';

const codes = (url: string) => checkImageUrl(url, 'params.main_image_url').map((v) => v.code);

describe('image URL rules', () => {
  it('accepts https images on public hosts, with query strings and public IP literals', () => {
    for (const url of [
      'https://images.example.com/p/mug.jpg',
      'https://cdn.shop.co.uk/a/b/photo.JPEG?v=3',
      'https://m.media-amazon.com/images/I/71abc.png',
      'https://bucket.s3.amazonaws.com/x.tif',
      'https://bucket.s3.amazonaws.com/x.tiff',
      'https://example.org/anim.gif',
      'https://93.184.216.34/mug.jpg',
      'https://[2606:4700:4700::1111]/mug.png',
      'https://example.com:443/mug.jpg',
    ]) {
      expect(codes(url), url).toEqual([]);
    }
  });

  it('refuses other schemes, credentials and ports', () => {
    expect(codes('http://example.com/a.jpg')).toEqual(['IMAGE_URL_NOT_HTTPS']);
    expect(codes('ftp://example.com/a.jpg')).toEqual(['IMAGE_URL_NOT_HTTPS']);
    expect(codes('s3://bucket/a.jpg')).toEqual(['IMAGE_URL_NOT_HTTPS']);
    expect(codes('https://user:pw@example.com/a.jpg')).toEqual(['IMAGE_URL_CREDENTIALS']);
    expect(codes('https://user@example.com/a.jpg')).toEqual(['IMAGE_URL_CREDENTIALS']);
    expect(codes('https://example.com:8443/a.jpg')).toEqual(['IMAGE_URL_PORT']);
    expect(codes('not a url')).toEqual(['IMAGE_URL_INVALID']);
  });

  it('refuses private, loopback, link-local, CGNAT, multicast, reserved and unspecified IPv4 literals, in every spelling', () => {
    for (const host of [
      '127.0.0.1',
      '127.1',
      '2130706433',
      '0x7f000001',
      '0177.0.0.1',
      '10.1.2.3',
      '172.16.0.1',
      '172.31.255.255',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '100.127.255.254',
      '224.0.0.1',
      '239.255.255.250',
      '0.0.0.0',
      '255.255.255.255',
      '198.18.0.1',
    ]) {
      expect(codes(`https://${host}/a.jpg`), host).toEqual(['IMAGE_URL_PRIVATE_HOST']);
    }
  });

  it('refuses IPv6 loopback, unspecified, unique-local, link-local, multicast and IPv4-embedding forms', () => {
    for (const host of [
      '::1',
      '::',
      'fc00::1',
      'fd12:3456::1',
      'fe80::1',
      'ff02::1',
      '::ffff:127.0.0.1',
      '::ffff:169.254.169.254',
      '::ffff:7f00:1',
      '0:0:0:0:0:ffff:10.0.0.1',
      '::127.0.0.1',
      '64:ff9b::10.0.0.1',
      '2002:7f00:1::1',
      '2001:db8::1',
    ]) {
      expect(codes(`https://[${host}]/a.jpg`), host).toEqual(['IMAGE_URL_PRIVATE_HOST']);
    }
    expect(isNonPublicIp('::ffff:8.8.8.8')).toBe(false);
    expect(isNonPublicIp('2606:4700::1')).toBe(false);
  });

  it('refuses local names', () => {
    for (const host of ['localhost', 'LOCALHOST.', 'api.localhost', 'printer.local', 'metadata.google.internal', 'intranet', 'nas.lan', 'box.home.arpa']) {
      expect(codes(`https://${host}/a.jpg`), host).toEqual(['IMAGE_URL_PRIVATE_HOST']);
    }
  });

  it('accepts only Amazon image formats by extension', () => {
    expect(codes('https://example.com/a.webp')).toEqual(['IMAGE_FORMAT']);
    expect(codes('https://example.com/a.svg')).toEqual(['IMAGE_FORMAT']);
    expect(codes('https://example.com/image')).toEqual(['IMAGE_FORMAT']);
    expect(codes('https://example.com/a.jpg.exe')).toEqual(['IMAGE_FORMAT']);
    expect(checkImageUrl('https://example.com/a.bmp', 'params.other_image_urls.2')[0]?.field).toBe('params.other_image_urls.2');
  });
});
