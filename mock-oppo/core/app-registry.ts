/** The apps a platform knows, by appId and by appKey. */
import { normalizeApp, type App, type AppConfig } from './apps.ts';

export class AppRegistry {
  private readonly appsById = new Map<string, App>();
  private readonly appsByKey = new Map<string, App>();

  constructor(initial: readonly App[]) {
    for (const app of initial) this.put(app);
  }

  add(config: AppConfig): App {
    const app = normalizeApp(config);
    const clash = this.appsById.get(app.appId) ?? this.appsByKey.get(app.appKey);
    if (clash) throw new TypeError(`an app with appId ${clash.appId} / appKey ${clash.appKey} already exists`);
    this.put(app);
    return app;
  }

  list(): App[] {
    return [...this.appsById.values()];
  }

  byId(appId: string): App | undefined {
    return this.appsById.get(appId);
  }

  byKey(appKey: string): App | undefined {
    return this.appsByKey.get(appKey);
  }

  private put(app: App): void {
    this.appsById.set(app.appId, app);
    this.appsByKey.set(app.appKey, app);
  }
}
