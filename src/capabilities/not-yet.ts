import { BrokerError } from '../errors.js';

// SCAFFOLD: the Amazon handler of this capability lands with its issue.
export const notYetAvailable = (name: string): never => {
  throw new BrokerError('INTERNAL_ERROR', `${name} is not available yet`);
};
