/**
 * The app page objects by app profile. A team adds its own app here (and its profile in
 * `fixtures/apps/` for virtual phones); `E2E_APP_PROFILE` selects it, the default is the IM demo.
 */
import type { AppPage } from './app-page.ts';
import { timDemoApp } from './tim-demo.ts';

export const APP_PROFILE_ENV = 'E2E_APP_PROFILE';

const APP_PAGES: Record<string, AppPage> = {
  [timDemoApp.profile]: timDemoApp,
};

/**
 * The page object of an app profile. Variant profiles of the same app (`tim-demo-no-channel`
 * extends `tim-demo`) share their base's screens, so a name resolves to its longest registered prefix.
 */
export function appPage(profile: string = process.env[APP_PROFILE_ENV] ?? timDemoApp.profile): AppPage {
  const base = Object.keys(APP_PAGES)
    .filter((name) => profile === name || profile.startsWith(`${name}-`))
    .sort((a, b) => b.length - a.length)[0];
  const page = base === undefined ? undefined : APP_PAGES[base];
  if (!page) throw new Error(`no app page object for app profile '${profile}' (known: ${Object.keys(APP_PAGES).join(', ')})`);
  return page;
}

/** The page object of a variant profile defined in a spec: its own name's, else the one of the profile it extends. */
export function appPageOrBase(profile: string, base: string): AppPage {
  try {
    return appPage(profile);
  } catch {
    return appPage(base);
  }
}

/** The page object for a session's capabilities (`appium:appProfile`, else the selected default). */
export function appPageFor(caps: WebdriverIO.Capabilities): AppPage {
  return appPage(caps['appium:appProfile']);
}

export type { AppPage };
