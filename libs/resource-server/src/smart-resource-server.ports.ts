import type { SmartTokenContext } from './token/smart-token-context.types.js';

/**
 * Port the host platform may provide (`{ provide: CompositionTemplateResolver, useClass: … }` in
 * the module that declares the guarded controllers): the template of a stored composition.
 *
 * openEHR REST addresses compositions by uid for read, update, delete and version history, and
 * the template is not in such a request. Without a resolver those operations need a scope whose
 * pattern matches every template (`composition-*`); with one, a template-specific scope such as
 * `patient/composition-Vitals.v1.r` is enough, and an update must be allowed for both the stored
 * and the new template.
 */
export abstract class CompositionTemplateResolver {
  /**
   * @param ehrId the EHR the request addresses.
   * @param uid a version uid (`uuid::system::version`) or versioned object uid.
   * @returns the composition's template id, or `undefined` when it does not exist.
   */
  abstract templateIdOf(ehrId: string, uid: string): Promise<string | undefined>;
}

/**
 * Port the host platform may provide (`{ provide: TokenRevocationChecker, useClass: … }` in the
 * module that declares the guarded controllers): whether a verified access token was revoked
 * before it expired. A JWT access token is verified locally, so without a checker (or the
 * `revocationFeed` option) it is accepted until it expires, even after its grant was revoked.
 *
 * An authorization server in the same process answers from memory; one elsewhere through its
 * revocation feed (`revocationFeed` option). {@link SmartJwtAuthGuard} asks after verification:
 * `true` → 401 `invalid_token`. Throw `TokenVerificationUnavailableError` when the answer cannot
 * be known (the list is out of date) → 503, fail closed.
 */
export abstract class TokenRevocationChecker {
  /**
   * @param token the verified token (its `claims` carry `jti`, `client_id`, `sub`, `iat`).
   * @returns whether it is revoked; a plain boolean keeps the check off the promise queue.
   */
  abstract isRevoked(token: SmartTokenContext): boolean | Promise<boolean>;
}
