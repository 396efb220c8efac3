/** Paths under the mount path that Nest serves instead of the engine. */
export abstract class EngineRoutes {
  /** Lets a Nest controller serve `path` (e.g. introspection); the engine then skips it. */
  abstract reservePath(path: string): void;
}
