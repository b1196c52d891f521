import { Initial1795459283026 } from './migrations/postgres/1795459283026-Initial';
import { UsageAndAudit1795460901139 } from './migrations/postgres/1795460901139-UsageAndAudit';
import { RefreshReuseGrace1795944176689 } from './migrations/postgres/1795944176689-RefreshReuseGrace';
import { SigningKeys1795944638840 } from './migrations/postgres/1795944638840-SigningKeys';
import { OAuthClients1796000000001 } from './migrations/postgres/1796000000001-OAuthClients';
import { OAuthRecords1796000100001 } from './migrations/postgres/1796000100001-OAuthRecords';
import { ExternalIdentities1796000200001 } from './migrations/postgres/1796000200001-ExternalIdentities';
import { FreshAuth1796000300001 } from './migrations/postgres/1796000300001-FreshAuth';
import { FreshAuth1796000300000 } from './migrations/sqlite/1796000300000-FreshAuth';
import { EmailVerification1796000400001 } from './migrations/postgres/1796000400001-EmailVerification';
import { SecondFactors1796000500001 } from './migrations/postgres/1796000500001-SecondFactors';
import { Passkeys1796000600001 } from './migrations/postgres/1796000600001-Passkeys';
import { SignInChallenges1796000700001 } from './migrations/postgres/1796000700001-SignInChallenges';
import { Initial1795459280829 } from './migrations/sqlite/1795459280829-Initial';
import { UsageAndAudit1795460895090 } from './migrations/sqlite/1795460895090-UsageAndAudit';
import { RefreshReuseGrace1795944174019 } from './migrations/sqlite/1795944174019-RefreshReuseGrace';
import { SigningKeys1795944636363 } from './migrations/sqlite/1795944636363-SigningKeys';
import { OAuthClients1796000000000 } from './migrations/sqlite/1796000000000-OAuthClients';
import { OAuthRecords1796000100000 } from './migrations/sqlite/1796000100000-OAuthRecords';
import { ExternalIdentities1796000200000 } from './migrations/sqlite/1796000200000-ExternalIdentities';
import { EmailVerification1796000400000 } from './migrations/sqlite/1796000400000-EmailVerification';
import { SecondFactors1796000500000 } from './migrations/sqlite/1796000500000-SecondFactors';
import { Passkeys1796000600000 } from './migrations/sqlite/1796000600000-Passkeys';
import { SignInChallenges1796000700000 } from './migrations/sqlite/1796000700000-SignInChallenges';

// Each driver has its own generated migrations (TypeORM writes driver-specific SQL); both
// lists must describe the same schema, which `npm run migration:check` verifies in CI.
// Generated, read, committed, and never edited after they land.
export const sqliteMigrations = [
  Initial1795459280829,
  UsageAndAudit1795460895090,
  RefreshReuseGrace1795944174019,
  SigningKeys1795944636363,
  OAuthClients1796000000000,
  OAuthRecords1796000100000,
  ExternalIdentities1796000200000,
  FreshAuth1796000300000,
  EmailVerification1796000400000,
  SecondFactors1796000500000,
  Passkeys1796000600000,
  SignInChallenges1796000700000,
];
export const postgresMigrations = [
  Initial1795459283026,
  UsageAndAudit1795460901139,
  RefreshReuseGrace1795944176689,
  SigningKeys1795944638840,
  OAuthClients1796000000001,
  OAuthRecords1796000100001,
  ExternalIdentities1796000200001,
  FreshAuth1796000300001,
  EmailVerification1796000400001,
  SecondFactors1796000500001,
  Passkeys1796000600001,
  SignInChallenges1796000700001,
];
