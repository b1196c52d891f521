import { AUDIT_EVENT_TYPES } from '../../src/audit/audit-event-types';
import { AUDIT_TYPES } from './audit-types';

describe('AUDIT_TYPES', () => {
  it('offers every event type the server records, and no other', () => {
    expect([...AUDIT_TYPES].sort()).toEqual([...AUDIT_EVENT_TYPES].sort());
  });
});
