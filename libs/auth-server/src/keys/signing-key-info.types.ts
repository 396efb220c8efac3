/** A token-signing key as `SmartAuthAdmin.listSigningKeys` shows it (no key material). */
export interface SmartSigningKeyInfo {
  kid: string;
  /** `RS256`, `ES384`... */
  alg: string;
  /**
   * `active`: signs (the newest active key of its algorithm); `pending`: published, signs from
   * `activateAt`; `retiring`: replaced by a rotation, still published (it verifies what it signed)
   * until `retireAt`, and signs only until its successor is active.
   */
  state: 'active' | 'pending' | 'retiring';
  /** Epoch milliseconds. */
  createdAt: number;
  activateAt: number;
  retireAt: number | null;
}
