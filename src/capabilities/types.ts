import type { FastifyBaseLogger } from 'fastify';
import type { Static, TSchema } from 'typebox';
import type { Connection } from '../connections/types.js';
import type { Marketplace } from '../marketplaces/marketplaces.js';
import type { AmazonApi, OperationName } from '../spapi/types.js';
import type { BrokerServices } from '../services.js';

/** Who is calling: the job token's binding (docs/api.md#internal-api-internal-api-key). */
export interface JobContext {
  tokenId: string;
  orderId: string;
  buyerId: string;
  toolId: string;
  capabilities: string[];
  autoApply: string[];
}

export interface CapabilityContext<P> {
  params: P;
  job: JobContext;
  marketplace: Marketplace;
  connection: Connection;
  amazon: AmazonApi;
  services: BrokerServices;
  log: FastifyBaseLogger;
}

export interface ValidationIssue {
  code: string;
  message: string;
  severity: 'ERROR' | 'WARNING' | 'INFO';
}

export interface DiffEntry {
  path: string;
  before: unknown;
  after: unknown;
}

/** What a write shows the buyer before it reaches Amazon, computed from Amazon's current state. */
export interface StagedWrite {
  summary: string;
  diffPreview: DiffEntry[];
  issues: ValidationIssue[];
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

/**
 * What a write's `apply` returns when Amazon answered the write and refused it (patchListingsItem
 * status INVALID, A+ validation errors): nothing changed at Amazon. It is an outcome of its own
 * (REJECTED_BY_AMAZON), never APPLIED, and the confirmation is never re-sent.
 */
export class AmazonRejection {
  constructor(readonly result: unknown) {}
}

export interface WriteCapability<S extends TSchema = TSchema> extends CapabilityBase<S> {
  access: 'write';
  /** Checks the write against Amazon's rules and current state; changes nothing at Amazon. */
  stage(ctx: CapabilityContext<Static<S>>): Promise<StagedWrite>;
  /** Performs the write; called once per confirmation. Returns its result, or an AmazonRejection. */
  apply(ctx: CapabilityContext<Static<S>>): Promise<unknown>;
}

export type Capability<S extends TSchema = TSchema> = ReadCapability<S> | WriteCapability<S>;

/** Keeps each module's params type while the registry holds them uniformly. */
export function defineCapability<S extends TSchema>(capability: Capability<S>): Capability<S> {
  return capability;
}
