/**
 * The web view's recorder: what a person does in the browser (create users, log a phone in, kill
 * the app, send, tap a notification, move the clock) as flow steps, written out as a YAML flow that
 * `npx push-lab test` runs. A tap records the check a person made with their eyes first: the
 * notification they tapped (`assertNotification`), then `tapNotification`, then the extras the app
 * received (`assertExtras`). Users are recorded by the name typed in; the flow tags them on replay.
 */
import { stringify } from 'yaml';

export type RecordedStep = Record<string, unknown> | string;

export class Recorder {
  private steps: RecordedStep[] = [];
  /** The phone the last step used ('A' first); a step on another phone records `phone:` before it. */
  private phone = 'A';
  private users = new Set<string>();

  get length(): number {
    return this.steps.length;
  }

  reset(): void {
    this.steps = [];
    this.phone = 'A';
    this.users.clear();
  }

  private on(phone: string | undefined): void {
    if (phone === undefined || phone === this.phone) return;
    this.steps.push({ phone });
    this.phone = phone;
  }

  user(id: string, nick: string): void {
    if (this.users.has(id)) return;
    this.users.add(id);
    const capitalised = id.charAt(0).toUpperCase() + id.slice(1);
    this.steps.push({ user: nick === capitalised ? id : { id, nick } });
  }

  /** A step on a phone: `killApp`, `{ login: bob }`, `{ network: 'off' }`. */
  phoneStep(phone: string, step: RecordedStep): void {
    this.on(phone);
    this.steps.push(step);
  }

  step(step: RecordedStep): void {
    this.steps.push(step);
  }

  yaml(name = 'recorded in the lab web view'): string {
    const header = `# yaml-language-server: $schema=./flow.schema.json\n# Recorded by the lab's web view (npx push-lab start --ui).\nname: ${JSON.stringify(name)}\n---\n`;
    return header + (this.steps.length === 0 ? '[]\n' : stringify(this.steps, { lineWidth: 0 }));
  }
}
