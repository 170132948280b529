export { BUMP_SIGNATURE_HEADER, signBump, verifyBump } from './bump';
export { signDelivery } from './delivery';
export type { DeliveryHeaders, SignDeliveryInput } from './delivery';
export { SECRET_PREFIX, generateSecret, isValidSecret } from './secret';
export {
  DEFAULT_TOLERANCE_SECONDS,
  WEBHOOK_ID_HEADER,
  WEBHOOK_SIGNATURE_HEADER,
  WEBHOOK_TIMESTAMP_HEADER,
  WebhookVerificationError,
  signStandard,
  verifyStandard,
} from './standard';
export type {
  HeaderSource,
  HeaderValue,
  SignStandardInput,
  VerifiedWebhook,
  VerifyStandardInput,
  WebhookVerificationReason,
} from './standard';
