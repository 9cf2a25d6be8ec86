/** SPEC §5.3.2.31 network_error_code: network type (1 octet) then error code (2 octets, big-endian). */
export interface NetworkErrorCode {
  networkType: number;
  networkTypeName: string;
  errorCode: number;
}

const NETWORK_TYPES: Readonly<Record<number, string>> = {
  1: 'ANSI-136 access denied reason',
  2: 'IS-95 access denied reason',
  3: 'GSM',
  4: 'ANSI-136 cause code',
  5: 'IS-95 cause code',
  6: 'ANSI-41 error',
  7: 'SMPP error',
  8: 'message center specific',
};

export const NETWORK_TYPE_GSM = 3;

/** The decoded TLV value, or undefined when it is not the 3 octets SPEC defines. */
export function decodeNetworkErrorCode(value: Buffer): NetworkErrorCode | undefined {
  if (value.length !== 3) return undefined;
  const networkType = value[0];
  return {
    networkType,
    networkTypeName: NETWORK_TYPES[networkType] ?? 'reserved',
    errorCode: value.readUInt16BE(1),
  };
}
