// SCAFFOLD — replaced by the write capabilities work (issue 6).
import type { CapabilityContext, WriteCapability } from '../capabilities/types.js';

export async function stageOrApplyWrite(ctx: CapabilityContext<unknown>, capability: WriteCapability): Promise<unknown> {
  const staged = await capability.stage(ctx as never);
  return staged;
}
