/** What a Koa middleware installed in the engine calls to run the rest of the chain. */
export type Next = () => Promise<void>;
