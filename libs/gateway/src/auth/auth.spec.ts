import { InvalidCidrError, IpAllowList, validateCidrs } from './ip-allow-list';
import { hashPassword, verifyPassword } from './password-hash';

describe('IpAllowList', () => {
  it('matches IPv4 and IPv6 blocks, IPv4-mapped IPv6 against IPv4 blocks; empty allows all', () => {
    const list = new IpAllowList(['192.0.2.0/24', '2001:db8::/32', '198.51.100.7']);
    expect(list.allows('192.0.2.55')).toBe(true);
    expect(list.allows('::ffff:192.0.2.55')).toBe(true);
    expect(list.allows('192.0.3.1')).toBe(false);
    expect(list.allows('2001:db8:1::9')).toBe(true);
    expect(list.allows('2001:db9::1')).toBe(false);
    expect(list.allows('198.51.100.7')).toBe(true);
    expect(list.allows(undefined)).toBe(false);
    expect(new IpAllowList([]).allows('203.0.113.1')).toBe(true);
  });

  it.each(['10.0.0.0/33', 'not-an-ip', '10.0.0.0/8/1', '::1/129', '10.0.0.0/x'])('refuses %s', (cidr) => {
    expect(() => validateCidrs([cidr])).toThrow(InvalidCidrError);
  });
});

describe('password hashing', () => {
  it('verifies the password it hashed, with a fresh salt each time, and refuses others', async () => {
    const params = { N: 1_024, r: 8, p: 1, keylen: 32 };
    const first = await hashPassword('s3cret', params);
    const second = await hashPassword('s3cret', params);
    expect(first.salt.equals(second.salt)).toBe(false);
    expect(first.hash.equals(second.hash)).toBe(false);
    expect(await verifyPassword('s3cret', first)).toBe(true);
    expect(await verifyPassword('s3cret!', first)).toBe(false);
    expect(await verifyPassword('', first)).toBe(false);
  });
});
