// Kept apart from the entity (no decorators), so the console can check its list against it.
export const AUDIT_EVENT_TYPES = [
  'register',
  'login',
  'logout',
  'logout_all',
  'refresh_token_reuse',
  'refresh_token_replay',
  'password_change',
  'api_key_created',
  'api_key_deleted',
  'session_revoked',
  'user_updated',
  'user_deleted',
  'signing_key_created',
  'signing_key_revoked',
  'oauth_client_created',
  'oauth_client_updated',
  'oauth_client_secret_rotated',
  'oauth_client_disabled',
  'oauth_client_enabled',
  'oauth_client_deleted',
  'oauth_consent_granted',
  'oauth_consent_revoked',
  'oauth_grant_revoked',
  'oauth_client_token',
  'external_sign_in',
  'external_account_created',
  'external_identity_linked',
  'external_identity_unlinked',
  'totp_enabled',
  'totp_disabled',
  'recovery_codes_generated',
  'recovery_code_used',
] as const;
export type AuditEventType = (typeof AUDIT_EVENT_TYPES)[number];

export const AUDIT_OUTCOMES = ['success', 'failure'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];
