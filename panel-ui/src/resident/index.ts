/**
 * The resident's screens (a resident adjusts their own doorbell at their panel): the entrance in the
 * home screen's service corner, then tap → PIN → settings → sent → home. A visit ends at "Done", on
 * idle, after "Sent", when the panel's session time is up, or whenever the page leaves these screens.
 */
import type { CardFeedback } from '../../../cloud-sync/protocol/panel-api.ts';
import { button, h } from '../dom.ts';
import type { PanelContext } from '../screens/context.ts';
import { residentPinScreen } from './pin-screen.ts';
import { ResidentFlow } from './resident-flow.ts';
import { residentSentScreen } from './sent-screen.ts';
import { residentSettingsScreen } from './settings-screen.ts';
import { residentTapScreen, TAP_SCREEN } from './tap-screen.ts';

export interface ResidentScreens {
  /**
   * Offered each card tap before the page shows its feedback: true when the resident's tap screen took
   * it (a granted tap goes on to the PIN screen, which is its feedback), so the page shows none.
   */
  takeCard(feedback: CardFeedback): boolean;
}

export function addResidentScreens(ctx: PanelContext): ResidentScreens {
  const flow = new ResidentFlow(ctx);
  const tap = residentTapScreen(ctx, flow);
  for (const screen of [
    tap,
    residentPinScreen(ctx, flow),
    residentSettingsScreen(ctx, flow),
    residentSentScreen(ctx, flow),
  ])
    ctx.screens.add(screen);
  ctx.screens.changed.on((screen) => {
    if (!screen.name.startsWith('resident-')) flow.end();
  });
  const label = h('span');
  const entrance = button(
    { class: 'service-button', testid: 'home-resident' },
    () => {
      flow.end();
      ctx.screens.show(TAP_SCREEN);
    },
    label,
  );
  ctx.homeSlot.append(entrance);
  // The home screen's texts are set by its own translate; the entrance follows the language here.
  const translate = () => {
    label.textContent = ctx.t().resident.entrance;
  };
  translate();
  ctx.choices.changed.on(translate);
  return { takeCard: tap.takeCard };
}
