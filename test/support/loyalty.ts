import { expect } from 'vitest';
import { SERVER_TOKEN, type TestStack } from './gateway.js';

/** A star per dollar before tax; a free coffee at 10 stars. */
export async function setUpProgram(on: TestStack, token = SERVER_TOKEN): Promise<void> {
  const response = await fetch(`${on.emulatorUrl}/_emulator/loyalty/program`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      accrual_rules: [{ accrual_type: 'SPEND', points: 1, spend_data: { amount_money: { amount: 100, currency: 'USD' }, tax_mode: 'BEFORE_TAX' } }],
      reward_tiers: [
        { name: 'Free coffee', points: 10, pricing_rule_reference: { object_id: 'PR-COFFEE' } },
        { name: '$5 off', points: 40, pricing_rule_reference: { object_id: 'PR-FIVE' } },
      ],
      terminology: { one: 'Star', other: 'Stars' },
    }),
  });
  expect(response.status).toBe(200);
}
