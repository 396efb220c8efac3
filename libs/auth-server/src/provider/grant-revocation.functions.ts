import type Provider from 'oidc-provider';

/** Deletes a grant's stored codes and tokens, then the grant itself. */
export async function revokeEngineGrant(provider: Provider, grantId: string): Promise<void> {
  await provider.Grant.adapter.revokeByGrantId(grantId);
  await provider.Grant.adapter.destroy(grantId);
}
