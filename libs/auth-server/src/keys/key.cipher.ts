import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto';

const PREFIX = 'enc:v1:';

/**
 * AES-256-GCM encryption of key material at rest. The key is derived once from the operator's
 * secret with scrypt.
 */
export class KeyCipher {
  private readonly key: Buffer | undefined;

  constructor(secret: string | undefined) {
    this.key = secret ? scryptSync(secret, 'smart-openehr-auth/signing-keys', 32) : undefined;
  }

  get enabled(): boolean {
    return this.key !== undefined;
  }

  static isEncrypted(material: string): boolean {
    return material.startsWith(PREFIX);
  }

  /** Encrypts when a secret is configured; stores clear text otherwise. */
  seal(plain: string): string {
    if (!this.key) return plain;
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    const parts = [iv, cipher.getAuthTag(), body].map((b) => b.toString('base64url'));
    return PREFIX + parts.join('.');
  }

  open(material: string): string {
    if (!KeyCipher.isEncrypted(material)) return material;
    if (!this.key) {
      throw new Error('signing keys are encrypted: set SMART_KEY_ENCRYPTION_SECRET');
    }
    const [iv, tag, body] = material
      .slice(PREFIX.length)
      .split('.')
      .map((p) => Buffer.from(p, 'base64url'));
    const decipher = createDecipheriv('aes-256-gcm', this.key, iv);
    decipher.setAuthTag(tag);
    try {
      return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
    } catch {
      throw new Error('signing keys cannot be decrypted: wrong SMART_KEY_ENCRYPTION_SECRET');
    }
  }
}
