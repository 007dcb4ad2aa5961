import type { serialization } from 'square';
import type { EmulatorContext } from '../context.js';
import { errors } from '../errors.js';

export function mergeCustomers(_ctx: EmulatorContext, _merchantId: string, _ids: string[]): serialization.Customer.Raw {
  throw errors.internal('not yet');
}
