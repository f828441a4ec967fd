/**
 * Chromium's command line for the panel page, each flag with the reason it is there. The kiosk runs the
 * Chromium binary itself (`/usr/lib/chromium/chromium`), not Debian's `/usr/bin/chromium` wrapper, which
 * would add its own defaults from /etc/chromium.d (remote extensions on, Google API keys, GPU
 * rasterization): the panel's browser runs exactly these flags.
 *
 * Memory figures in the comments are PSS on the 2-core x86_64 VM of docs/kiosk.md (Chromium 156,
 * cage 0.1.4, headless, software rendering).
 */
import type { KioskConfig } from './kiosk-config.ts';

/** Chromium features the kiosk turns off; a `--disable-features` in extraFlags is merged into it. */
const DISABLED_FEATURES = [
  // No "translate this page?" bar over a Norwegian or Swedish page.
  'Translate',
  // Even with --kiosk Chromium prewarms the omnibox's two WebUI popups in a renderer of their own
  // (60–80 MB) that a kiosk never shows; only both switched off together remove that renderer.
  'WebUIOmniboxPopup',
  'WebUIOmniboxAimPopup',
  // A spare renderer kept ready for the next site (about 20 MB): the panel has one site.
  'SpareRendererForSitePerProcess',
  // No casting, no Chromium-side media controls.
  'MediaRouter',
  'GlobalMediaControls',
];

const ENABLED_FEATURES = [
  // Touch screens get thin overlay scrollbars, as on a phone.
  'OverlayScrollbar',
  // The network service in the browser process rather than a process of its own, as Chromium does on
  // low-memory Android phones: about 15 MB less in all.
  'NetworkServiceInProcess2',
];

export function chromiumArgs(config: KioskConfig, profileDir: string): string[] {
  const { chromium } = config;
  const args = [
    // cage is a Wayland compositor; without it Chromium would look for an X server.
    '--ozone-platform=wayland',
    // Full screen, no tabs, toolbar or omnibox, and no way out of the page.
    '--kiosk',
    // A fresh profile on tmpfs at every start (the session makes it): nothing one visitor did stays for
    // the next, no "restore pages?" bubble after a crash, no writes to the panel's SD card.
    `--user-data-dir=${profileDir}`,
    '--no-first-run',
    '--no-default-browser-check',
    '--noerrdialogs',
    '--hide-crash-restore-bubble',
    // No keyring daemon on the panel: without it Chromium would wait for one.
    '--password-store=basic',
    // Touch: no pinch zoom (the page has its own large-text mode), no swipe back through history.
    '--disable-pinch',
    '--overscroll-history-navigation=0',
    // The card feedback sound and the spoken status must play before anyone has touched the screen.
    '--autoplay-policy=no-user-gesture-required',
    // Nothing the panel did not ask for: no component, extension or sync traffic, no crash uploads.
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-default-apps',
    '--disable-extensions',
    '--no-pings',
    '--disable-breakpad',
    // Disk cache off: the profile is on tmpfs, so every cached byte would be RAM, and the page comes
    // from the panel on loopback anyway.
    '--disk-cache-dir=/dev/null',
    '--disk-cache-size=1',
    '--media-cache-size=1',
    // One renderer process: the visitor, resident and installer pages are one site.
    '--renderer-process-limit=1',
    // The session's own DevTools channel (fds 3 and 4): it watches for a crashed page and guards input
    // while the screen is dark. Only the session holds it; no port is opened for it.
    '--remote-debugging-pipe',
  ];
  if (!chromium.gpu) {
    // Software compositing: the GPU process shrinks from about 87 to 24 MB here; the page is static
    // text and a few transitions.
    args.push('--disable-gpu');
  }
  if (chromium.debugPort !== null) {
    args.push(`--remote-debugging-port=${chromium.debugPort}`, '--remote-debugging-address=127.0.0.1');
  }
  const { features, rest } = splitFeatureFlags(chromium.extraFlags);
  args.push(
    `--disable-features=${[...DISABLED_FEATURES, ...features.disable].join(',')}`,
    `--enable-features=${[...ENABLED_FEATURES, ...features.enable].join(',')}`,
    ...rest,
    config.url,
  );
  return args;
}

/**
 * Chromium reads only the last `--disable-features` (and `--enable-features`): an operator's list is
 * merged into the kiosk's instead of replacing it.
 */
function splitFeatureFlags(flags: readonly string[]): {
  features: { disable: string[]; enable: string[] };
  rest: string[];
} {
  const features = { disable: [] as string[], enable: [] as string[] };
  const rest: string[] = [];
  for (const flag of flags) {
    const m = /^--(disable|enable)-features=(.*)$/.exec(flag);
    if (m) features[m[1] as 'disable' | 'enable'].push(...(m[2] ?? '').split(',').filter(Boolean));
    else rest.push(flag);
  }
  return { features, rest };
}
