/**
 * A client declared by the host (in the module's `clients` option or through
 * `SmartAuthAdmin.ensureClient`): created at start, updated when its declaration changes,
 * left alone when it is as declared. Validated like every other client.
 */
export interface SmartSeedClient {
  clientId: string;
  /** RFC 7591 metadata plus SMART extras (`scope`, `launch_modes`). */
  metadata: Record<string, unknown>;
  /** Required for `client_secret_basic` / `client_secret_post` clients; ignored otherwise. */
  secret?: string;
  /** Trusted clients skip the consent page. @default false */
  trusted?: boolean;
}
