import type { SmartFeature } from '../common/feature.types.js';
import { RevocationFeedController } from './revocation-feed.controller.js';
import { TokenEndpointsController } from './token-endpoints.controller.js';
import { UserinfoController } from './userinfo.controller.js';

/** The token endpoints Nest serves beside the engine: introspection, revocation, userinfo, feed. */
export const TOKENS_FEATURE: SmartFeature = {
  controllers: [TokenEndpointsController, RevocationFeedController, UserinfoController],
  providers: [],
};
