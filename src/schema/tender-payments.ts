import { Kind, type FragmentDefinitionNode, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';
import type { Square } from 'square';

/**
 * Payment fields an order's tender holds with the value GetPayment would give (Square:
 * the tender's id is its payment's, its `amount_money` equals the payment's
 * `total_money`, tip included). `true` holds the field with whatever is selected under
 * it: Money is computed from the amount, and the customer is looked up by id either way.
 */
type Held = true | { readonly [field: string]: Held };

const CARD_HELD: Held = { __typename: true, cardBrand: true, last4: true };

const TENDER_HELD: { readonly [field: string]: Held } = {
  __typename: true,
  id: true,
  squareId: true,
  status: true,
  amountMoney: true,
  tipMoney: true,
  totalMoney: true,
  customer: true,
  cardDetails: { __typename: true, status: true, entryMethod: true, card: CARD_HELD },
};

/** The payment status each card tender status stands for. */
const PAYMENT_STATUS: Record<string, string> = { AUTHORIZED: 'APPROVED', CAPTURED: 'COMPLETED', VOIDED: 'CANCELED', FAILED: 'FAILED' };

/**
 * Whether every field selected is held; the payment's own fields are added to `asked`.
 * Fields under @skip or @include count as selected.
 */
function selectsOnlyHeld(
  fragments: Readonly<Record<string, FragmentDefinitionNode>>,
  selections: readonly SelectionSetNode[],
  held: { readonly [field: string]: Held },
  asked?: Set<string>,
): boolean {
  for (const set of selections) {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        const name = selection.name.value;
        const rule = held[name];
        if (!rule) return false;
        asked?.add(name);
        if (rule !== true && selection.selectionSet && !selectsOnlyHeld(fragments, [selection.selectionSet], rule)) return false;
      } else {
        const fragment = selection.kind === Kind.INLINE_FRAGMENT ? selection : fragments[selection.name.value];
        if (!fragment || !selectsOnlyHeld(fragments, [fragment.selectionSet], held, asked)) return false;
      }
    }
  }
  return true;
}

/**
 * The payment fields selected where `info` resolves, when the tender holds every one of
 * them; undefined when some field needs GetPayment.
 */
export function tenderHeldSelection(info: GraphQLResolveInfo): Set<string> | undefined {
  const sets = info.fieldNodes.flatMap((node) => (node.selectionSet ? [node.selectionSet] : []));
  const asked = new Set<string>();
  return selectsOnlyHeld(info.fragments, sets, TENDER_HELD, asked) ? asked : undefined;
}

/** Whether a payment's selection asks only for what a tender holds, for an estimate made before anything runs. */
export function selectsOnlyTenderHeld(fragments: Readonly<Record<string, FragmentDefinitionNode>>, selection: SelectionSetNode): boolean {
  return selectsOnlyHeld(fragments, [selection], TENDER_HELD);
}

/**
 * The payment a tender stands for, with the fields `asked` for, or undefined when this
 * tender cannot answer them: it names no payment, or has no card details (with the card)
 * to tell the card side and status (Square gives card details only to CARD tenders,
 * while a gift card payment has them too).
 */
export function paymentFromTender(tender: Square.Tender, asked: ReadonlySet<string>): Square.Payment | undefined {
  const id = tender.paymentId ?? tender.id;
  if (!id || !tender.amountMoney) return undefined;
  const card = tender.cardDetails;
  if ((asked.has('status') || asked.has('cardDetails')) && !card?.status) return undefined;
  if (asked.has('cardDetails') && !card?.card) return undefined;
  const total = tender.amountMoney;
  const tip = tender.tipMoney;
  return {
    id,
    totalMoney: total,
    amountMoney: { ...total, amount: (total.amount ?? 0n) - (tip?.amount ?? 0n) },
    ...(tip ? { tipMoney: tip } : {}),
    ...(tender.customerId ? { customerId: tender.customerId } : {}),
    ...(card?.status
      ? {
          status: PAYMENT_STATUS[card.status],
          cardDetails: {
            status: card.status,
            ...(card.entryMethod ? { entryMethod: card.entryMethod } : {}),
            card: { cardBrand: card.card?.cardBrand, last4: card.card?.last4 },
          },
        }
      : {}),
  };
}

/**
 * An order's payments answered from its tenders, when the selection allows and no order
 * among several is needed: `Order.payments` is newest first by the payments' creation
 * time, which tenders do not carry. Undefined means GetPayment must answer.
 */
export function orderPaymentsFromTenders(order: Square.Order, info: GraphQLResolveInfo): Square.Payment[] | undefined {
  const tenders = (order.tenders ?? []).filter((t) => t.paymentId ?? t.id);
  if (tenders.length > 1) return undefined;
  const asked = tenderHeldSelection(info);
  if (!asked) return undefined;
  const payments = tenders.map((t) => paymentFromTender(t, asked));
  return payments.every((p) => p !== undefined) ? payments : undefined;
}
