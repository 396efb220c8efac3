import type { SmartFeature } from '../common/feature.types.js';
import { IdentityServerTokenVerifier } from './identity-server-token.verifier.js';
import { IdentityServerMetadata } from './identity-server.metadata.js';
import { LogoutTokenVerifier } from './logout-token.verifier.js';

/** The external identity server (`externalLogin`): its metadata and keys, and the JWTs it signs. */
export const IDENTITY_SERVER_FEATURE: SmartFeature = {
  providers: [IdentityServerMetadata, LogoutTokenVerifier, IdentityServerTokenVerifier],
};
