import type { FastifyBaseLogger } from 'fastify';
import type { Static, TSchema } from 'typebox';
import type { Connection } from '../connections/types.js';
import type { Marketplace } from '../marketplaces/marketplaces.js';
import type { AmazonApi, OperationName } from '../spapi/types.js';
import type { Db } from '../db/database.js';
import type { SharedStore } from '../store/shared-store.js';
import type { ImageFetcher } from '../writes/image-fetch.js';
import type { ParticipationsCache } from '../connections/participations.js';
import type { StagedWrite } from '../writes/preview.js';

export { AmazonRejection, type DiffEntry, type StagedWrite, type ValidationIssue } from '../writes/preview.js';

/** Who is calling: the job token's binding (docs/api.md#internal-api-internal-api-key). */
export interface JobContext {
  tokenId: string;
  orderId: string;
  buyerId: string;
  toolId: string;
  capabilities: string[];
  autoApply: string[];
}

/**
 * The broker services a capability may use: a narrow view of src/services.ts's BrokerServices (which
 * the pipeline passes), so capabilities depend on what they use and not on how the broker is built.
 */
export interface CapabilityServices {
  db: Db;
  /** Short-lived shared values (Redis, or in-process): cached reads, report results. */
  store: SharedStore;
  /** A+ image downloads under the image URL rules. */
  images: ImageFetcher;
  /** Sellers' marketplace participations (connect.status). */
  participations: ParticipationsCache;
}

export interface CapabilityContext<P> {
  params: P;
  job: JobContext;
  marketplace: Marketplace;
  connection: Connection;
  amazon: AmazonApi;
  services: CapabilityServices;
  log: FastifyBaseLogger;
}

interface CapabilityBase<S extends TSchema> {
  name: string;
  /** Written for a model to read: what it does, when to use it, what it returns. */
  description: string;
  params: S;
  /** JSON Schema of `data` in a successful answer (OpenAPI's per-capability response, MCP's outputSchema). */
  answer: TSchema;
  /** The SP-API operations it may call, in order. */
  operations: readonly OperationName[];
  /** Refuses raw params with a clearer message than schema validation would give (e.g. retired report types). */
  precheck?(rawParams: unknown): void;
}

export interface ReadCapability<S extends TSchema = TSchema> extends CapabilityBase<S> {
  access: 'read';
  run(ctx: CapabilityContext<Static<S>>): Promise<unknown>;
}

/** What a write's apply runs with: the seller context and the params its stage decided (a buyer confirms it, no agent's job). */
export type ApplyContext<A> = Omit<CapabilityContext<A>, 'job'>;

/** What `stage` returns: the preview the buyer confirms, and exactly the params `apply` will take (stored with the confirmation). */
export interface Staged<A> extends StagedWrite {
  applyParams: A;
}

/**
 * What Amazon's current state says of a write whose apply was interrupted (its owner died while
 * `applying`): it landed (`found`, the result to record), it did not (`not_sent`: send it once
 * now), or it cannot be told (`unknown`, why: never sent again).
 */
export type ApplyFinding = { found: Record<string, unknown> } | 'not_sent' | { unknown: string };

/** A write capability with params S, staged as A (what apply takes once the buyer confirms). */
export interface WriteCapability<S extends TSchema = TSchema, A = Static<S>> extends CapabilityBase<S> {
  access: 'write';
  /** Checks the write against Amazon's rules and current state; changes nothing at Amazon. */
  stage(ctx: CapabilityContext<Static<S>>): Promise<Staged<A>>;
  /** Performs the write; called once per confirmation. Returns its result, or an AmazonRejection. */
  apply(ctx: ApplyContext<A>): Promise<unknown>;
  /**
   * After an interrupted apply: asks Amazon whether the write is already there. Without it the
   * write cannot be looked up (feeds, A+ documents) and an interrupted one is never re-sent.
   */
  alreadyApplied?(ctx: ApplyContext<A>): Promise<ApplyFinding>;
}

// Methods (not function properties) on purpose: a WriteCapability<S, A> then fits the registry's
// WriteCapability<S, unknown>, which hands apply the params stored by the same capability's stage.
export type Capability<S extends TSchema = TSchema> = ReadCapability<S> | WriteCapability<S, unknown>;

/** Keeps each module's params (and staged params) type while the registry holds them uniformly. */
export function defineCapability<S extends TSchema, A>(capability: ReadCapability<S> | WriteCapability<S, A>): Capability<S> {
  return capability;
}
