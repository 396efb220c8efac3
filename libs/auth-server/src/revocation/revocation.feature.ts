import type { SmartFeature } from '../common/feature.types.js';
import { GrantAccessTokensService } from './grant-access-tokens.service.js';
import { RevocationListService } from './revocation-list.service.js';
import { SmartTokenRevocations } from './token-revocations.port.js';
import { UserRevocationService } from './user-revocation.service.js';

/** The revocation list and what feeds it, with its public port. */
export const REVOCATION_FEATURE: SmartFeature = {
  providers: [
    RevocationListService,
    { provide: SmartTokenRevocations, useExisting: RevocationListService },
    GrantAccessTokensService,
    UserRevocationService,
  ],
};
