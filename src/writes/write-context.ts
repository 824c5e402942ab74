import type { ApplyContext } from '../capabilities/types.js';

/** What the write helpers need, at stage and at apply alike: the seller context (no agent's job). */
export type WriteContext<P> = ApplyContext<P>;

/** The marketplace a write goes to, as messages name it: `Germany (A1PA6795UKMFR9)`. */
export const countryOf = (ctx: WriteContext<unknown>) => `${ctx.marketplace.country} (${ctx.marketplace.id})`;
