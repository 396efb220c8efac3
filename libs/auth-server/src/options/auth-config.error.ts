/**
 * A configuration error found at boot. It names the option path so the operator knows what to fix.
 */
export class SmartAuthConfigError extends Error {
  readonly code = 'ERR_SMART_AUTH_CONFIG';

  constructor(
    readonly option: string,
    problem: string,
  ) {
    super(`${option} ${problem}`);
    this.name = 'SmartAuthConfigError';
  }
}
