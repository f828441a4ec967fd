/**
 * Card status changes as named actions. Revocation (by the administrator) is final: a revoked card is
 * never reactivated, only replaced — so a stolen card cannot come back through a mistaken unblock.
 */
import { PortvaktError } from '../../../lib/errors.ts';
import type { Entities } from './entities.ts';
import type { Card } from './entity-specs.ts';

export type CardAction = 'block' | 'unblock' | 'revoke';

const NEXT: Record<CardAction, { from: readonly Card['status'][]; to: Card['status'] }> = {
  block: { from: ['active', 'blocked'], to: 'blocked' },
  unblock: { from: ['blocked', 'active'], to: 'active' },
  revoke: { from: ['active', 'blocked', 'revoked'], to: 'revoked' },
};

export function changeCardStatus(entities: Entities, cardId: string, action: CardAction): Card {
  const card = entities.get('cards', cardId);
  const rule = NEXT[action];
  if (!rule.from.includes(card.status))
    throw new PortvaktError('conflict', `card "${cardId}" is ${card.status} and cannot be ${action}ed`);
  if (card.status === rule.to) return card;
  return entities.update('cards', cardId, { status: rule.to });
}
