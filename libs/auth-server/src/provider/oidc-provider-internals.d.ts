declare module 'oidc-provider/lib/helpers/fetch_request.js' {
  /** Whether an IP address is loopback, private, link-local or otherwise special-use. */
  export function isSpecialUseIP(address: string): boolean;
}
