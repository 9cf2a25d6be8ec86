import type { AddressProfile, ConnectionProfile } from '../profile';

/**
 * SMPP's own addressing convention (smpp34.md §5): international numbers as digits without '+',
 * TON 1 / NPI 1; alphanumeric senders TON 5 / NPI 0. Profiles state only where a provider differs.
 */
export const SMPP_ADDRESSING: AddressProfile = {
  internationalFormat: 'digits',
  destination: { ton: 1, npi: 1 },
  internationalSource: { ton: 1, npi: 1 },
  alphanumericSource: { ton: 5, npi: 0 },
  accountDefaultSource: false,
};

/** A plain SMPP 3.4 bind: no system_type, passwords within 3.4's 8 characters, one endpoint set. */
export const SMPP34_BIND: Pick<
  ConnectionProfile,
  'interfaceVersion' | 'systemType' | 'allowLongPassword' | 'regions'
> = {
  interfaceVersion: 0x34,
  systemType: '',
  allowLongPassword: false,
  regions: {},
};
