/**
 * A typed client for the lab's control API (`/_lab/v1`): the one virtual clock (advancing it steps
 * timer by timer and lets every link settle in between) and the phones' lab-only switches.
 */
import { controlInit, type ClientAccess } from '../../mock-oppo/access/client.ts';
import { labAccess } from '../lab/access.ts';
import type { Duration } from '../../mock-oppo/core/clock.ts';
import { LAB_API_PATH } from '../lab/control-api.ts';
import type { LabTrace } from '../trace/trace.ts';
import type { LabPhoneControls } from './phone.ts';

export class LabClientError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'LabClientError';
  }
}

export class LabClient {
  private readonly base: string;
  private readonly access: ClientAccess;

  /** `access.token` defaults to PUSH_LAB_TOKEN. */
  constructor(labUrl: string, access: ClientAccess = {}) {
    this.base = `${labUrl.replace(/\/+$/, '')}${LAB_API_PATH}`;
    this.access = labAccess(access);
  }

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.base}${path}`, controlInit(method, this.access, body));
    const text = await response.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      throw new LabClientError(response.status, `lab ${method} ${path}: ${response.status} ${text.slice(0, 200)}`);
    }
    if (!response.ok) {
      const error = (json as { error?: { message?: string } | string } | undefined)?.error;
      throw new LabClientError(response.status, `lab ${method} ${path}: ${typeof error === 'string' ? error : (error?.message ?? response.status)}`);
    }
    return ((json as { value?: T } | undefined)?.value ?? json) as T;
  }

  /** Moves the lab's virtual time forward, firing every timer on the way, each once the links settled. */
  async advance(by: Duration): Promise<number> {
    return (await this.request<{ now: number }>('POST', '/clock/advance', { by })).now;
  }

  /** The lab's services by name (mock-oppo, im, lab) and their URLs. */
  async services(): Promise<Array<{ name: string; url: string }>> {
    return (await this.request<{ services: Array<{ name: string; url: string }> }>('GET', '')).services;
  }

  /**
   * `POST /_lab/v1/reset`: every virtual phone as after boot, IM back to its fixtures, mock-oppo's
   * messages, faults, receipts and quotas gone. The clock stays where it is.
   */
  async reset(): Promise<{ now: number; phones: string[] }> {
    return await this.request<{ now: number; phones: string[] }>('POST', '/reset');
  }

  async now(): Promise<number> {
    return (await this.request<{ now: number }>('GET', '/clock')).now;
  }

  /** The joined trace of one message (IM → OPPO → phone, every hop); `GET /_lab/v1/traces/:msgKey`. */
  async trace(msgKey: string): Promise<LabTrace> {
    return this.request<LabTrace>('GET', `/traces/${encodeURIComponent(msgKey)}`);
  }

  /** The lab-only switches of one phone. */
  phone(serial: string): LabPhoneControls {
    const path = `/phones/${encodeURIComponent(serial)}`;
    return {
      setNetwork: async (on) => {
        await this.request('POST', `${path}/network`, { on });
      },
      setNotificationPermission: async (packageName, granted) => {
        await this.request('POST', `${path}/notification-permission`, { packageName, granted });
      },
      removedNotifications: () => this.request('GET', `${path}/notifications/removed`),
      updateSettings: (patch) => this.request('PATCH', `${path}/settings`, patch),
      appInfo: (packageName) => this.request('GET', `${path}/apps/${encodeURIComponent(packageName)}`),
    };
  }
}
