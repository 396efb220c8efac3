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
