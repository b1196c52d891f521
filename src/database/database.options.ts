import type { DataSourceOptions } from 'typeorm';
import { ApiKey } from '../api-keys/api-key.entity';
import { AuditEvent } from '../audit/audit-event.entity';
import type { AppConfig } from '../config/app-config';
import { ExternalIdentity } from '../external-auth/identities/external-identity.entity';
import { RecentAuthentication } from '../fresh-auth/recent-authentication.entity';
import { EmailToken } from '../mail/email-token.entity';
import { OAuthRecord } from '../oauth/storage/oauth-record.entity';
import { Passkey } from '../passkeys/passkey.entity';
import { WebauthnCeremony } from '../passkeys/webauthn-ceremony.entity';
import { Session } from '../sessions/session.entity';
import { SignInChallenge } from '../sign-in/sign-in-challenge.entity';
import { SigningKey } from '../signing-keys/signing-key.entity';
import { RefreshToken } from '../tokens/refresh-token.entity';
import { RevokedToken } from '../tokens/revoked-token.entity';
import { UsageDaily } from '../usage/usage-daily.entity';
import { User } from '../users/user.entity';
import { OAuthClient } from '../oauth-clients/oauth-client.entity';
import { RecoveryCode } from '../second-factors/recovery-codes/recovery-code.entity';
import { TotpFactor } from '../second-factors/totp/totp-factor.entity';
import { postgresMigrations, sqliteMigrations } from './migrations';
import { usePostgresUtcTimestamps } from './postgres-utc';

/** Listed explicitly (no globs) so that a build and the TypeORM CLI see the same set. */
export const ENTITIES = [
  User,
  RefreshToken,
  RevokedToken,
  ApiKey,
  Session,
  UsageDaily,
  AuditEvent,
  SigningKey,
  OAuthClient,
  OAuthRecord,
  ExternalIdentity,
  RecentAuthentication,
  Passkey,
  WebauthnCeremony,
  TotpFactor,
  RecoveryCode,
  EmailToken,
  SignInChallenge,
];

/** The one definition of the connection, used by the app, the tests and `ormconfig.ts`. */
export function buildDataSourceOptions(config: AppConfig): DataSourceOptions {
  const common = {
    entities: ENTITIES,
    synchronize: false,
    migrationsRun: true,
    migrationsTransactionMode: 'each' as const,
    // TypeORM logs a failed query with its parameters (hashes, token hashes): never in the app.
    // Unexpected errors still reach the exception filter's log, without parameters.
    logging: false,
  };
  if (config.database.type === 'postgres') {
    usePostgresUtcTimestamps();
    return {
      ...common,
      type: 'postgres',
      url: config.database.url,
      migrations: postgresMigrations,
      // gen_random_uuid() is built in from PostgreSQL 13; pgcrypto is a trusted extension.
      uuidExtension: 'pgcrypto',
      extra: { max: 10, options: '-c TimeZone=UTC' },
    };
  }
  return {
    ...common,
    type: 'sqlite',
    database: config.database.path,
    migrations: sqliteMigrations,
    // WAL lets readers run beside the writer; the busy timeout makes a second writer wait
    // instead of failing with SQLITE_BUSY ("database is locked").
    enableWAL: true,
    busyTimeout: 10_000,
  };
}
