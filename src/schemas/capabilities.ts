import Type from 'typebox';

export const CapabilityCallBody = Type.Object(
  {
    capability: Type.String({ minLength: 1, maxLength: 100, description: 'Capability name, e.g. orders.summary (see GET /api/capabilities).' }),
    provider: Type.String({ description: 'Always "amazon".' }),
    params: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: "The capability's params; see its params_schema." })),
  },
  { additionalProperties: false },
);

export const CapabilityCallMeta = Type.Object({
  request_id: Type.String(),
  capability: Type.String(),
  marketplace_id: Type.Optional(Type.String()),
  region: Type.Optional(Type.Enum(['NA', 'EU', 'FE'])),
});

export const CapabilityCallResponse = Type.Object({
  ok: Type.Literal(true),
  data: Type.Unknown({ description: "The capability's result; writes answer { status: PENDING_CONFIRMATION | APPLIED | REJECTED_BY_AMAZON, … }." }),
  meta: CapabilityCallMeta,
});

export const CapabilityDescription = Type.Object({
  name: Type.String(),
  description: Type.String(),
  access: Type.Enum(['read', 'write']),
  params_schema: Type.Record(Type.String(), Type.Unknown(), { description: 'JSON Schema of params.' }),
});

export const CapabilityListResponse = Type.Object({ ok: Type.Literal(true), data: Type.Array(CapabilityDescription) });
