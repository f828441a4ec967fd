/**
 * The kiosk's settings: an empty file is the panel's own page with night blanking on, every problem is
 * named by its key, and what the launcher checks before it starts cage (config, not root, a runtime dir)
 * is said in one line. Chromium's command line: the operator's flags come after the kiosk's, and feature
 * lists are merged (Chromium reads only the last --disable-features).
 */
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../lib/errors.ts';
import { chromiumArgs } from '../../../scripts/kiosk/chromium-args.ts';
import { cageArgs, startProblem } from '../../../scripts/kiosk/kiosk.ts';
import { parseKioskConfig } from '../../../scripts/kiosk/kiosk-config.ts';

const issuesOf = (text: string): readonly string[] => {
  try {
    parseKioskConfig(text);
  } catch (err) {
    if (err instanceof ConfigError) return err.issues;
    throw err;
  }
  throw new Error('the config was accepted');
};

describe('the kiosk config', () => {
  it('is all defaults when empty: the local panel page, software drawing, dark from 23:00 to 06:00', () => {
    expect(parseKioskConfig('')).toEqual({
      url: 'http://127.0.0.1:8080/panel/',
      rotate: 0,
      chromium: { path: '/usr/lib/chromium/chromium', gpu: false, debugPort: null, extraFlags: [] },
      blanking: { enabled: true, from: '23:00', to: '06:00', idleSeconds: 60, backlight: 'auto' },
    });
  });

  it('names each bad key', () => {
    expect(
      issuesOf(
        [
          'url: file:///etc/passwd',
          'rotate: 45',
          'chromium: { debugPort: 80, extraFlags: [--ok, "; rm -rf /"] }',
          'blanking: { from: "25:00", timeZone: Mars/Olympus, idleSeconds: 0 }',
          'screen: big',
        ].join('\n'),
      ),
    ).toEqual([
      expect.stringMatching(/^url: /),
      expect.stringMatching(/^rotate: /),
      expect.stringMatching(/^chromium\.debugPort: /),
      expect.stringMatching(/^chromium\.extraFlags\.1: must be a Chromium flag/),
      expect.stringMatching(/^blanking\.from: must be a time of day/),
      expect.stringMatching(/^blanking\.idleSeconds: /),
      expect.stringMatching(/^blanking\.timeZone: must be an IANA time zone/),
      '(top level): unknown key(s) screen',
    ]);
    expect(issuesOf('url: [unclosed')[0]).toMatch(/./);
  });

  it('says what stops the kiosk from starting, before cage would', () => {
    const env = { XDG_RUNTIME_DIR: '/run/user/999' };
    expect(startProblem('/nonexistent/kiosk.yaml', env, 999)).toMatch(/cannot read kiosk config/);
    expect(startProblem('/dev/null', env, 0)).toMatch(/not root/);
    expect(startProblem('/dev/null', {}, 999)).toMatch(/XDG_RUNTIME_DIR/);
    expect(startProblem('/dev/null', env, 999)).toBeUndefined();
  });
});

describe("cage's and Chromium's command lines", () => {
  it('rotates the screen with one -r per quarter turn and runs the session with the config', () => {
    expect(cageArgs('/etc/portvakt/kiosk.yaml', 270, '/s.js')).toEqual([
      '-d',
      '-r',
      '-r',
      '-r',
      '--',
      process.execPath,
      '/s.js',
      '--config',
      '/etc/portvakt/kiosk.yaml',
    ]);
  });

  it("opens the page last, after the operator's flags, with one merged feature list each way", () => {
    const config = parseKioskConfig(
      'chromium: { gpu: true, debugPort: 9222, extraFlags: [--disable-features=Foo, --lang=nb, --enable-features=Bar] }',
    );
    const args = chromiumArgs(config, '/run/user/999/portvakt-kiosk/profile');
    expect(args.at(-1)).toBe('http://127.0.0.1:8080/panel/');
    expect(args.filter((a) => a.startsWith('--disable-features='))).toEqual([
      expect.stringMatching(/^--disable-features=Translate,.*,Foo$/),
    ]);
    expect(args.filter((a) => a.startsWith('--enable-features='))).toEqual([
      expect.stringMatching(/^--enable-features=OverlayScrollbar,.*,Bar$/),
    ]);
    expect(args).toContain('--lang=nb');
    expect(args).toContain('--remote-debugging-port=9222');
    expect(args).toContain('--remote-debugging-address=127.0.0.1');
    expect(args).not.toContain('--disable-gpu');
    // Without a debug port, the session's pipe is the only DevTools channel.
    const plain = chromiumArgs(parseKioskConfig(''), '/p');
    expect(plain.filter((a) => a.startsWith('--remote-debugging'))).toEqual(['--remote-debugging-pipe']);
    expect(plain).toContain('--disable-gpu');
  });
});
