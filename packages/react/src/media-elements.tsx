import { useEffect, useRef, type AudioHTMLAttributes, type VideoHTMLAttributes } from 'react';

export interface ParticipantVideoProps extends Omit<VideoHTMLAttributes<HTMLVideoElement>, 'src' | 'muted'> {
  /** The stream to show; nothing is shown without one. */
  stream: MediaStream | undefined | null;
  /** Mute the element's audio (default true: tiles show video, ParticipantAudio plays sound). */
  muted?: boolean;
  /** Flip horizontally, as people expect of their own camera. */
  mirror?: boolean;
}

/** A <video> bound to a MediaStream; the binding is released on unmount or when the stream changes. */
export function ParticipantVideo({ stream, muted = true, mirror = false, style, ...rest }: ParticipantVideoProps) {
  const ref = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    const video = ref.current;
    if (!video) return;
    video.muted = muted;
  }, [muted]);
  useEffect(() => {
    const video = ref.current;
    if (!video) return;
    video.srcObject = stream ?? null;
    // Autoplay may be refused until the user interacts with the page; the next play() retries.
    if (stream) video.play().catch(() => undefined);
    return () => {
      video.srcObject = null;
    };
  }, [stream]);
  const mirrored = mirror ? { ...style, transform: `${style?.transform ?? ''} scaleX(-1)`.trim() } : style;
  return <video ref={ref} autoPlay playsInline muted={muted} style={mirrored} {...rest} />;
}

export interface ParticipantAudioProps extends Omit<AudioHTMLAttributes<HTMLAudioElement>, 'src'> {
  stream: MediaStream | undefined | null;
}

/** Plays a remote participant's audio stream; renders an invisible <audio>. Never use it for the local microphone. */
export function ParticipantAudio({ stream, ...rest }: ParticipantAudioProps) {
  const ref = useRef<HTMLAudioElement>(null);
  useEffect(() => {
    const audio = ref.current;
    if (!audio) return;
    audio.srcObject = stream ?? null;
    if (stream) audio.play().catch(() => undefined);
    return () => {
      audio.srcObject = null;
    };
  }, [stream]);
  return <audio ref={ref} autoPlay {...rest} />;
}
