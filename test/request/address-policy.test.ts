import { describe, expect, it } from 'vitest';
import { addressRefusal, hostAsAddress, isPublicAddress } from '../../src/request/address-policy.ts';
import { canonicalHost, matchHost } from '../../src/config/host-list.ts';

describe('isPublicAddress: only ordinary public unicast addresses', () => {
  it.each([
    ['8.8.8.8'],
    ['93.184.216.34'],
    ['1.1.1.1'],
    ['2606:4700:4700::1111'],
    ['2001:4860:4860::8888'],
    ['::ffff:8.8.8.8'],
  ])('%s is public', (address) => {
    expect(isPublicAddress(address)).toBe(true);
  });

  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['10.0.0.1', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'link-local (cloud metadata)'],
    ['100.64.0.1', 'CGNAT'],
    ['100.127.255.255', 'CGNAT'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['0.0.0.0', 'unspecified'],
    ['255.255.255.255', 'broadcast'],
    ['192.0.2.1', 'documentation'],
    ['198.18.0.1', 'benchmarking'],
    ['240.0.0.1', 'reserved'],
    ['::1', 'IPv6 loopback'],
    ['::', 'IPv6 unspecified'],
    ['fe80::1', 'IPv6 link-local'],
    ['fc00::1', 'IPv6 unique local'],
    ['fd12:3456::1', 'IPv6 unique local'],
    ['ff02::1', 'IPv6 multicast'],
    ['::ffff:127.0.0.1', 'IPv4-mapped loopback'],
    ['::ffff:7f00:1', 'IPv4-mapped loopback, hex form'],
    ['::ffff:10.0.0.1', 'IPv4-mapped private'],
    ['::ffff:169.254.169.254', 'IPv4-mapped link-local'],
    ['::127.0.0.1', 'IPv4-compatible loopback'],
    ['2002:7f00:1::', '6to4 wrapping 127.0.0.1'],
    ['64:ff9b::7f00:1', 'NAT64 wrapping 127.0.0.1'],
    ['2001::1', 'Teredo'],
    ['2001:db8::1', 'IPv6 documentation'],
    ['not an address', 'not an address'],
  ])('%s is refused (%s)', (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });
});

describe('canonicalHost and hostAsAddress: every spelling of an address is one address', () => {
  it.each([
    ['127.0.0.1', '127.0.0.1'],
    ['2130706433', '127.0.0.1'],
    ['0x7f.1', '127.0.0.1'],
    ['0x7f000001', '127.0.0.1'],
    ['0177.0.0.1', '127.0.0.1'],
    ['127.1', '127.0.0.1'],
    ['017700000001', '127.0.0.1'],
    ['[::1]', '::1'],
    ['[0:0:0:0:0:0:0:1]', '::1'],
    ['[::ffff:127.0.0.1]', '::ffff:7f00:1'],
    ['Example.COM.', 'example.com'],
  ])('%s is %s', (host, canonical) => {
    expect(canonicalHost(host)).toBe(canonical);
  });

  it.each([
    ['2130706433', '127.0.0.1'],
    ['0x7f.1', '127.0.0.1'],
    ['[::1]', '::1'],
    ['example.com', undefined],
    ['localhost', undefined],
  ])('hostAsAddress(%s) = %s', (host, address) => {
    expect(hostAsAddress(host)).toBe(address);
  });
});

describe('matchHost: the allow-list', () => {
  it.each([
    ['example.com', '', ['example.com'], 'exact'],
    ['EXAMPLE.com', '', ['example.com'], 'exact'],
    ['example.com', '8443', ['example.com'], 'exact'],
    ['example.com', '8443', ['example.com:8443'], 'exact'],
    ['example.com', '', ['example.com:8443'], undefined],
    ['example.com', '9000', ['example.com:8443'], undefined],
    ['sub.example.com', '', ['example.com'], undefined],
    ['sub.example.com', '', ['.example.com'], 'pattern'],
    ['example.com', '', ['.example.com'], undefined],
    ['badexample.com', '', ['.example.com'], undefined],
    ['anything.test', '', ['*'], 'pattern'],
    ['localhost', '', ['*', 'localhost'], 'exact'],
    ['127.0.0.1', '', ['2130706433'], 'exact'],
    ['127.0.0.1', '', ['127.0.0.1'], 'exact'],
    ['[::1]', '', ['::1'], 'exact'],
    ['[::1]', '8080', ['[::1]:8080'], 'exact'],
    ['evil.com', '', ['example.com', 'good.org'], undefined],
    ['example.com', '', [], undefined],
  ] as const)('%s port %j with %j → %s', (host, port, list, expected) => {
    expect(matchHost(host, port, list)).toBe(expected);
  });
});

describe('addressRefusal', () => {
  it('lets an exactly listed host use any address (an intranet server the operator named)', () => {
    expect(addressRefusal('127.0.0.1', 'exact')).toBeUndefined();
    expect(addressRefusal('10.1.2.3', 'exact')).toBeUndefined();
  });
  it('refuses non-public addresses for hosts only covered by * or a .suffix', () => {
    expect(addressRefusal('127.0.0.1', 'pattern')).toMatch(/not public/);
    expect(addressRefusal('::ffff:10.0.0.1', 'pattern')).toMatch(/not public/);
    expect(addressRefusal('8.8.8.8', 'pattern')).toBeUndefined();
  });
});
