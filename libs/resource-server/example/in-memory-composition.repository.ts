import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { CompositionTemplateResolver } from '@smart-openehr/resource-server';

/** A stored composition of the example (canonical JSON as posted). */
export interface StoredComposition {
  uid: string;
  ehrId: string;
  templateId: string;
  body: Record<string, unknown>;
}

/**
 * The example platform's storage, which also answers the library's `CompositionTemplateResolver`
 * port so that template-specific scopes work for reads and deletes by uid.
 */
@Injectable()
export class InMemoryCompositionRepository extends CompositionTemplateResolver {
  private readonly compositions = new Map<string, StoredComposition>();

  save(ehrId: string, templateId: string, body: Record<string, unknown>): StoredComposition {
    const stored = { uid: `${randomUUID()}::example.org::1`, ehrId, templateId, body };
    this.compositions.set(stored.uid, stored);
    return stored;
  }

  find(ehrId: string, uid: string): StoredComposition | undefined {
    const found = this.compositions.get(uid);
    return found?.ehrId === ehrId ? found : undefined;
  }

  remove(ehrId: string, uid: string): boolean {
    return this.find(ehrId, uid) !== undefined && this.compositions.delete(uid);
  }

  latest(ehrId: string, templateId: string): StoredComposition | undefined {
    return [...this.compositions.values()]
      .reverse()
      .find((c) => c.ehrId === ehrId && c.templateId === templateId);
  }

  templateIdOf(ehrId: string, uid: string): Promise<string | undefined> {
    return Promise.resolve(this.find(ehrId, uid)?.templateId);
  }
}
