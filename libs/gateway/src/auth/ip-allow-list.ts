import { BlockList, isIP } from 'node:net';

export class InvalidCidrError extends Error {
  constructor(readonly cidr: string) {
    super(`'${cidr}' is not an IPv4 or IPv6 address or CIDR block`);
    this.name = 'InvalidCidrError';
  }
}

/** Parses `a.b.c.d`, `a.b.c.d/n`, `x::y` or `x::y/n` into a BlockList entry; throws InvalidCidrError otherwise. */
function addEntry(list: BlockList, cidr: string): void {
  const [address, prefixText, ...rest] = cidr.trim().split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) throw new InvalidCidrError(cidr);
  const type = family === 4 ? 'ipv4' : 'ipv6';
  const max = family === 4 ? 32 : 128;
  if (prefixText === undefined) {
    list.addAddress(address, type);
    return;
  }
  const prefix = /^\d{1,3}$/.test(prefixText) ? Number(prefixText) : NaN;
  if (!(prefix >= 0 && prefix <= max)) throw new InvalidCidrError(cidr);
  list.addSubnet(address, prefix, type);
}

/** Throws InvalidCidrError for the first entry that is not an address or CIDR block. */
export function validateCidrs(cidrs: readonly string[]): void {
  const list = new BlockList();
  for (const cidr of cidrs) addEntry(list, cidr);
}

/** A credential's source-address allow list. Empty: every address is allowed. IPv4-mapped IPv6 matches IPv4 blocks. */
export class IpAllowList {
  private readonly list: BlockList | undefined;

  constructor(cidrs: readonly string[]) {
    if (cidrs.length === 0) return;
    this.list = new BlockList();
    for (const cidr of cidrs) addEntry(this.list, cidr);
  }

  allows(address: string | undefined): boolean {
    if (this.list === undefined) return true;
    if (address === undefined) return false;
    const family = isIP(address);
    if (family === 0) return false;
    return this.list.check(address, family === 4 ? 'ipv4' : 'ipv6');
  }
}
