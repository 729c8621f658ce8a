import { ConfabError, mediaError } from '../errors.js';
import type { MediaOption } from '../call/types.js';
import { MediaSourceManager } from './media-source-manager.js';

function mediaDevices(): MediaDevices {
  if (!globalThis.navigator?.mediaDevices) {
    throw new ConfabError('UNAVAILABLE', 'media devices are not available: use https or http://localhost');
  }
  return navigator.mediaDevices;
}

/** Camera or microphone: getUserMedia with constraints and a selectable device. */
abstract class InputDeviceManager extends MediaSourceManager {
  private constraints: MediaTrackConstraints = {};
  private deviceId: string | undefined;

  protected abstract readonly deviceKind: 'videoinput' | 'audioinput';
  protected abstract readonly deviceName: string;

  /** Enables the device, optionally with getUserMedia constraints (e.g. { width: 1280, height: 720 }). */
  override enable(constraints?: MediaOption): Promise<void> {
    if (constraints !== undefined && typeof constraints === 'object') {
      this.constraints = { ...constraints };
      if (constraints.deviceId !== undefined) this.deviceId = undefined;
      if (this.enabled) return this.restart();
    }
    return super.enable();
  }

  /** Switches to another device; the new track replaces the old one without renegotiation. */
  async selectDevice(deviceId: string | undefined): Promise<void> {
    this.deviceId = deviceId;
    await this.restart();
  }

  get selectedDevice(): string | undefined {
    return this.deviceId ?? this.track?.getSettings().deviceId;
  }

  async listDevices(): Promise<MediaDeviceInfo[]> {
    const all = await mediaDevices().enumerateDevices();
    return all.filter((d) => d.kind === this.deviceKind);
  }

  protected currentConstraints(): MediaTrackConstraints {
    return this.deviceId ? { ...this.constraints, deviceId: { exact: this.deviceId } } : { ...this.constraints };
  }

  protected async acquire(): Promise<MediaStreamTrack> {
    const request: MediaStreamConstraints =
      this.deviceKind === 'videoinput' ? { video: this.currentConstraints() } : { audio: this.currentConstraints() };
    let stream: MediaStream;
    try {
      stream = await mediaDevices().getUserMedia(request);
    } catch (error) {
      throw mediaError(error, this.deviceName);
    }
    const [track] = this.deviceKind === 'videoinput' ? stream.getVideoTracks() : stream.getAudioTracks();
    if (!track) throw new ConfabError('NOT_FOUND', `no ${this.deviceName} track was returned`);
    return track;
  }
}

export class CameraManager extends InputDeviceManager {
  protected readonly deviceKind = 'videoinput' as const;
  protected readonly deviceName = 'camera';
  constructor() {
    super('video');
  }
}

export class MicrophoneManager extends InputDeviceManager {
  protected readonly deviceKind = 'audioinput' as const;
  protected readonly deviceName = 'microphone';
  constructor() {
    super('audio');
  }
}

/** Screen sharing through getDisplayMedia; stopping from the browser's own UI disables it. */
export class ScreenShareManager extends MediaSourceManager {
  private options: DisplayMediaStreamOptions = { video: { frameRate: { ideal: 15, max: 30 } }, audio: false };

  constructor() {
    super('screen');
  }

  override enable(options?: DisplayMediaStreamOptions): Promise<void> {
    if (options) this.options = options;
    return super.enable();
  }

  protected async acquire(): Promise<MediaStreamTrack> {
    let stream: MediaStream;
    try {
      stream = await mediaDevices().getDisplayMedia(this.options);
    } catch (error) {
      throw mediaError(error, 'screen');
    }
    // Only the video is shared; any captured audio track is released at once.
    for (const extra of stream.getAudioTracks()) extra.stop();
    const [track] = stream.getVideoTracks();
    if (!track) throw new ConfabError('NOT_FOUND', 'no screen track was returned');
    track.contentHint = 'detail';
    return track;
  }
}
