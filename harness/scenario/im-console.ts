/**
 * A typed client for the fake IM server's own JSON API (`/_im/v1`): the console's push
 * certificates (an edit takes effect after the activation delay) and the per-device push traces.
 * Only the lab has it; the real console is a web page.
 */
import { controlInit, type ClientAccess } from '../../mock-oppo/access/client.ts';
import { labAccess } from '../lab/access.ts';
import type { CertificateConfig, CertificateView, ClickAction } from '../im/rules/certificates.ts';
import { CONTROL_PREFIX, type SessionView } from '../im/wire/control.ts';
import type { PushTrace } from '../im/rules/traces.ts';

/** One session in `GET /_im/v1/sessions`: its state (`online`, `background`, `push_online`, `offline`), why, and its token. */
export type { CertificateConfig, CertificateView, ClickAction, PushTrace, SessionView };

export class ImConsoleError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ImConsoleError';
  }
}

export interface CertificateEdit {
  certificate: CertificateConfig;
  /** Virtual-clock instant from which pushes use this version. */
  effectiveAt: number;
}

export class ImConsoleClient {
  private readonly base: string;
  private readonly access: ClientAccess;

  /** `access.token` defaults to PUSH_LAB_TOKEN. */
  constructor(imUrl: string, access: ClientAccess = {}) {
    this.base = `${imUrl.replace(/\/+$/, '')}${CONTROL_PREFIX}`;
    this.access = labAccess(access);
  }

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.base}${path}`, controlInit(method, this.access, body));
    const json = (await response.json()) as T & { error?: { code: string; message: string } };
    if (!response.ok) throw new ImConsoleError(response.status, json.error?.code ?? 'http_error', `IM console ${method} ${path}: ${json.error?.message ?? response.status}`);
    return json;
  }

  /** Edits a certificate (a merge into its newest version); pushes switch over at `effectiveAt`. */
  editCertificate(id: number, patch: Partial<Omit<CertificateConfig, 'id' | 'vendor'>>): Promise<CertificateEdit> {
    return this.request('PATCH', `/console/certificates/${id}`, patch);
  }

  createCertificate(config: Omit<CertificateConfig, 'id' | 'vendor'> & { id?: number }): Promise<CertificateEdit> {
    return this.request('POST', '/console/certificates', config);
  }

  /** Every certificate with its active version and the saved edits still waiting to apply (MasterSecrets masked). */
  async certificates(): Promise<CertificateView[]> {
    return (await this.request<{ certificates: CertificateView[] }>('GET', '/console/certificates')).certificates;
  }

  /** The IM server's login sessions (one per user and device), optionally of one user. */
  async sessions(user?: string): Promise<SessionView[]> {
    const query = user === undefined ? '' : `?user=${encodeURIComponent(user)}`;
    return (await this.request<{ sessions: SessionView[] }>('GET', `/sessions${query}`)).sessions;
  }

  /** The console's certificate test: IM authenticates at OPPO with the certificate's credentials. */
  verifyCertificate(id: number): Promise<{ certificateId: number; code: number; message: string }> {
    return this.request('POST', `/console/certificates/${id}/verify`);
  }

  /** The decisions of every message to or from the user, oldest first. */
  async tracesOf(userId: string): Promise<PushTrace[]> {
    return (await this.request<{ traces: PushTrace[] }>('GET', `/traces?user=${encodeURIComponent(userId)}`)).traces;
  }

  /** The IM app's id and admin (to call its REST API). */
  app(): Promise<{ sdkAppId: number; admin: string }> {
    return this.request('GET', '/app');
  }

  /** A UserSig the lab signs on its clock. */
  userSig(userId: string): Promise<{ userId: string; userSig: string }> {
    return this.request('POST', '/usersig', { userId });
  }

  /** The per-device decisions for one message, each with its reason and OPPO exchange. */
  async traces(msgKey: string): Promise<PushTrace[]> {
    return (await this.request<{ traces: PushTrace[] }>('GET', `/traces/${encodeURIComponent(msgKey)}`)).traces;
  }

  /** The IM server's clock (virtual in the lab). */
  async now(): Promise<number> {
    return (await this.request<{ now: number }>('GET', '/settings')).now;
  }
}
