import type { Capability, TrackKind } from '@confab/protocol';
import type { CallHost } from './call-host.js';

type PublishCapability = 'publish-audio' | 'publish-video' | 'publish-screen';

/** Moderation requests of one call (seed 003): the server checks every one against the caller's capabilities. */
export class CallModeration {
  constructor(
    private readonly cid: string,
    private readonly host: CallHost,
  ) {}

  /** Removes every session of a user; with `block`, they cannot join this call again. */
  async kick(userId: string, options: { block?: boolean } = {}): Promise<void> {
    await this.host.request('moderation.kick', { cid: this.cid, userId, ...(options.block ? { block: true } : {}) });
  }

  async unblock(userId: string): Promise<void> {
    await this.host.request('moderation.unblock', { cid: this.cid, userId });
  }

  /** Turns a participant's track off; they are told and may turn it on again. */
  async mute(userId: string, kind: TrackKind): Promise<void> {
    await this.host.request('moderation.mute', { cid: this.cid, userId, kind });
  }

  /** Turns a participant's track off and keeps it off until uncensored. */
  async censor(userId: string, kind: TrackKind, censored: boolean): Promise<void> {
    await this.host.request('moderation.censor', { cid: this.cid, userId, kind, censored });
  }

  async requestPermissions(capabilities: PublishCapability[]): Promise<void> {
    await this.host.request('permission.request', { cid: this.cid, capabilities });
  }

  async updatePermissions(userId: string, change: { grant?: Capability[]; revoke?: Capability[]; deny?: PublishCapability[] }): Promise<void> {
    await this.host.request('permission.update', { cid: this.cid, userId, ...change });
  }
}

export type { PublishCapability };
