import type { ProviderId, ProviderProfile } from '../profile';
import { GATEWAYAPI_PROFILE } from './gatewayapi.profile';
import { INFOBIP_PROFILE } from './infobip.profile';
import { LABSMOBILE_PROFILE } from './labsmobile.profile';
import { MTA_PROFILE } from './mta.profile';

export const PROVIDER_PROFILES: Readonly<Record<ProviderId, ProviderProfile>> = {
  infobip: INFOBIP_PROFILE,
  gatewayapi: GATEWAYAPI_PROFILE,
  mta: MTA_PROFILE,
  labsmobile: LABSMOBILE_PROFILE,
};

export { GATEWAYAPI_MESSAGE_CLASS_TLV, GATEWAYAPI_PROFILE } from './gatewayapi.profile';
export { GATEWAYAPI_SMS_ERRORS, gatewayApiSmsErrorCode } from './gatewayapi-sms-errors';
export { INFOBIP_PROFILE, InfobipTlv } from './infobip.profile';
export { INFOBIP_GSM_ERRORS } from './infobip-gsm-errors';
export { LABSMOBILE_PROFILE } from './labsmobile.profile';
export { MTA_PROFILE } from './mta.profile';
