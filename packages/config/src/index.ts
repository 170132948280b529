export { parseEnv, EnvError, exitOnEnvError } from './parse';
export * as env from './fields';
export { parseRetrySchedule, parseCidrList } from './fields';
export { loadSecretsKey, DEV_SECRETS_KEY_FILE, type SecretsKeyOptions } from './secrets-key';
