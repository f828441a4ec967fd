/**
 * A resident's own cards and app devices, from the resident app. A resident may add a card where their
 * building's policy lets residents add their own, block a lost card and unblock it again — never a card
 * the administrator revoked, and never another resident's (which looks exactly like no card at all). A
 * card change goes through the entities repository and so takes the publisher's fast path to the panels,
 * like an admin's. Logging out a device removes it the way an admin's removal does: the database ends its
 * session in the same transaction and queues its broker revocation (hub migration 5), and the panels'
 * directory loses it in the same config version.
 */
import { randomBytes } from 'node:crypto';
import { ForbiddenError, NotFoundError, PortvaktError } from '../../../lib/errors.ts';
import {
  SELF_CARDS_MAX,
  type SelfCard,
  type SelfCardsReply,
  type SelfDevice,
} from '../../protocol/resident-self-service.ts';
import type { Card } from '../store/entity-specs.ts';
import type { HubStore } from '../store/hub-store.ts';
import type { ResidentSession } from '../store/resident-sessions.ts';
import { buildingOf } from './self-doorbell.ts';

type Store = Pick<HubStore, 'entities' | 'hidingProfiles' | 'transaction' | 'sessions'>;

const view = (c: Card): SelfCard => ({
  id: c.id,
  uidEnd: c.uid.slice(-4),
  status: c.status,
  changeable: c.status !== 'revoked',
});

const mayAdd = (store: Store, residentId: string) =>
  buildingOf(store, store.entities.get('residents', residentId)).residentsMayAddCards;

export function selfCards(store: Store, residentId: string): SelfCardsReply {
  return {
    cards: store.entities.list('cards', { residentId }).map(view),
    mayAdd: mayAdd(store, residentId),
  };
}

export function addSelfCard(store: Store, residentId: string, uid: string): SelfCard {
  if (!mayAdd(store, residentId))
    throw new ForbiddenError(
      'your building does not let residents add their own cards; ask the administrator',
    );
  if (store.entities.list('cards', { residentId }).length >= SELF_CARDS_MAX)
    throw new PortvaktError(
      'conflict',
      `you already have ${SELF_CARDS_MAX} cards; block or return one first`,
    );
  const id = `card-${randomBytes(8).toString('hex')}`;
  return view(store.entities.create('cards', { id, uid, residentId }));
}

/** Blocks (lost) or unblocks one of the caller's cards. */
export function setSelfCardStatus(
  store: Store,
  residentId: string,
  cardId: string,
  status: 'active' | 'blocked',
): SelfCard {
  const card = store.entities.find('cards', cardId);
  if (!card || card.residentId !== residentId) throw new NotFoundError(`no card "${cardId}" of yours`);
  if (card.status === 'revoked')
    throw new ForbiddenError('the administrator revoked this card; only they can give it back');
  if (card.status === status) return view(card);
  return view(store.entities.update('cards', cardId, { status }));
}

export function selfDevices(store: Store, session: ResidentSession): SelfDevice[] {
  return store.entities.list('appDevices', { residentId: session.residentId }).map((d) => ({
    id: d.id,
    name: d.name,
    lastSeenAt: d.lastSeenAt,
    loggedIn: store.sessions.hasSession(d.id),
    current: d.id === session.appDeviceId,
  }));
}

/** Logs one of the caller's app devices out everywhere: session, broker access and the panels' directory. */
export function removeSelfDevice(store: Store, residentId: string, appDeviceId: string): void {
  const device = store.entities.find('appDevices', appDeviceId);
  if (!device || device.residentId !== residentId)
    throw new NotFoundError(`no app device "${appDeviceId}" of yours`);
  store.entities.remove('appDevices', appDeviceId);
}
