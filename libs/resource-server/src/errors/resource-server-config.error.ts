/**
 * Invalid {@link SmartResourceServerOptions}: thrown once at boot by
 * `resolveResourceServerOptions()`, naming the option path.
 */
export class SmartResourceServerConfigError extends Error {
  override readonly name = 'SmartResourceServerConfigError';
  readonly code = 'ERR_RESOURCE_SERVER_CONFIG';

  constructor(
    /** Dotted option path, e.g. `introspection.endpoint`. */
    readonly option: string,
    reason: string,
  ) {
    super(`SmartResourceServerOptions.${option} ${reason}`);
  }
}
