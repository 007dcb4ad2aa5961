import { Kind, type FieldNode, type FragmentDefinitionNode, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';
import type { Square } from 'square';

/**
 * Payment fields an order's tender holds with the value GetPayment would give (Square:
 * the tender's id is its payment's, its `amount_money` equals the payment's
 * `total_money`, tip included). `true` holds the field with whatever is selected under
 * it: Money is computed from the amount, and the customer is looked up by id either way.
 */
type Held = true | HeldFields;
type HeldFields = { readonly [field: string]: Held };

const CARD_HELD: Held = { __typename: true, cardBrand: true, last4: true };

const TENDER_HELD: HeldFields = {
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

/** What a selection set was found to ask of a tender, by the held fields it was checked against. */
type Checked = Map<SelectionSetNode, Map<HeldFields, ReadonlySet<string> | null>>;

/**
 * The fields a selection asks for at its own level when every field in it is held, or
 * null when some field needs GetPayment. Fields under @skip or @include count as selected.
 * Each selection set is checked once per walk (`checked`), so that a fragment spread at
 * many places, or spreading another one twice, costs its size only once.
 */
function heldFieldsAsked(
  fragments: Readonly<Record<string, FragmentDefinitionNode>>,
  set: SelectionSetNode,
  held: HeldFields,
  checked: Checked,
): ReadonlySet<string> | null {
  const known = checked.get(set)?.get(held);
  if (known !== undefined) return known;
  let asked: Set<string> | null = new Set();
  for (const selection of set.selections) {
    if (selection.kind === Kind.FIELD) {
      const rule = held[selection.name.value];
      if (!rule || (rule !== true && selection.selectionSet && !heldFieldsAsked(fragments, selection.selectionSet, rule, checked))) {
        asked = null;
        break;
      }
      asked.add(selection.name.value);
    } else {
      const fragment = selection.kind === Kind.INLINE_FRAGMENT ? selection : fragments[selection.name.value];
      const inner = fragment && heldFieldsAsked(fragments, fragment.selectionSet, held, checked);
      if (!inner) {
        asked = null;
        break;
      }
      for (const name of inner) asked.add(name);
    }
  }
  if (!checked.has(set)) checked.set(set, new Map());
  checked.get(set)!.set(held, asked);
  return asked;
}

/**
 * What each field's nodes were found to ask: the executor hands the same nodes to every
 * item of a list (a page's hundred orders), and a document's selections never change.
 */
const heldByNodes = new WeakMap<readonly FieldNode[], ReadonlySet<string> | undefined>();

/**
 * The payment fields selected where `info` resolves, when the tender holds every one of
 * them; undefined when some field needs GetPayment.
 */
export function tenderHeldSelection(info: GraphQLResolveInfo): ReadonlySet<string> | undefined {
  if (heldByNodes.has(info.fieldNodes)) return heldByNodes.get(info.fieldNodes);
  const asked = heldSelection(info);
  heldByNodes.set(info.fieldNodes, asked);
  return asked;
}

function heldSelection(info: GraphQLResolveInfo): ReadonlySet<string> | undefined {
  const checked: Checked = new Map();
  const asked = new Set<string>();
  for (const node of info.fieldNodes) {
    const fields = node.selectionSet && heldFieldsAsked(info.fragments, node.selectionSet, TENDER_HELD, checked);
    if (fields === null) return undefined;
    for (const name of fields ?? []) asked.add(name);
  }
  return asked;
}

/**
 * Whether a payment's selection asks only for what a tender holds, for an estimate made
 * before anything runs: one check for every `Tender.payment` of a document, sharing what
 * it found about the document's fragments.
 */
export function tenderHeldCheck(fragments: Readonly<Record<string, FragmentDefinitionNode>>): (selection: SelectionSetNode) => boolean {
  const checked: Checked = new Map();
  return (selection) => heldFieldsAsked(fragments, selection, TENDER_HELD, checked) !== null;
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
