import { Injectable } from '@nestjs/common';
import { TrustedIssuerRepository } from '../persistence/repositories/trusted-issuer.repository.js';
import type { TrustedIssuer } from '../persistence/records/trusted-issuer.record.js';

/**
 * Trusted assertion issuers for the jwt-bearer grant, stored in the database. Kept as the seam
 * the controller and the grant use (the repository does the storing).
 */
@Injectable()
export class TrustedIssuerService {
  constructor(private readonly issuers: TrustedIssuerRepository) {}

  find(issuer: string): Promise<TrustedIssuer | undefined> {
    return this.issuers.find(issuer);
  }

  list(): Promise<TrustedIssuer[]> {
    return this.issuers.list();
  }

  async save(issuer: TrustedIssuer): Promise<TrustedIssuer> {
    await this.issuers.save(issuer);
    return issuer;
  }

  remove(issuer: string): Promise<boolean> {
    return this.issuers.delete(issuer);
  }
}
