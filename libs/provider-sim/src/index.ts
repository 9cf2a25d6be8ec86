// Public surface of libs/provider-sim: SMPP servers that behave like the four upstream providers.
export {
  scriptedOutcome,
  SCRIPTED_OUTCOMES,
  SIM_DIALECTS,
  type ScriptedOutcome,
  type SimDialect,
} from './dialects';
export { numberLookupReceipt, SIM_NUMBER_LOOKUP } from './number-lookup';
export { DEFAULT_SIM_ACCOUNT, ProviderSimConfigError, startProviderSim } from './provider-sim';
export { selfSignedCertificate } from './self-signed';
export type {
  ProviderSim,
  ProviderSimOptions,
  ReceivedPdu,
  SimAccount,
  SimFaults,
  SimMo,
  SimReceiptStat,
  SimScriptedReceipt,
  SimScriptRule,
} from './types';
