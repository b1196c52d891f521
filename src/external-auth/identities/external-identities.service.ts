// PLACEHOLDER for the merge of #15: branch wip/accounts writes the real ExternalIdentitiesService
// here (signInOrCreate, link, list, unlink, the entity and its migrations). When merging, take
// that branch's file and drop this one. It exists only so that this branch's app starts: the
// flow's tests bind EXTERNAL_ACCOUNTS to a stand-in (test/support/external-accounts-stand-in.ts).
import { Injectable, ServiceUnavailableException } from '@nestjs/common';
import type { User } from '../../users/user.entity';
import type {
  ExternalAccounts,
  ExternalProfile,
} from '../flow/external-accounts';

@Injectable()
export class ExternalIdentitiesService implements ExternalAccounts {
  signInOrCreate(
    _profile: ExternalProfile,
  ): Promise<{ user: User; created: boolean }> {
    return Promise.reject(unavailable());
  }

  link(_userId: string, _profile: ExternalProfile): Promise<unknown> {
    return Promise.reject(unavailable());
  }
}

function unavailable(): ServiceUnavailableException {
  return new ServiceUnavailableException(
    'External accounts are not available in this build',
  );
}
