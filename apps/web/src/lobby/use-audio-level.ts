import { useEffect, useState } from 'react';

/**
 * The loudness (0..1) of a local audio stream, sampled each animation frame while `active`, to show
 * that the microphone works. `trackKey` restarts the meter when the stream's track changes.
 */
export function useAudioLevel(stream: MediaStream, active: boolean, trackKey: string | undefined): number {
  const [level, setLevel] = useState(0);
  useEffect(() => {
    if (!active || stream.getAudioTracks().length === 0 || typeof AudioContext === 'undefined') {
      setLevel(0);
      return;
    }
    const context = new AudioContext();
    const analyser = context.createAnalyser();
    analyser.fftSize = 512;
    const source = context.createMediaStreamSource(stream);
    source.connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    let frame = 0;
    let last = -1;
    const tick = () => {
      analyser.getFloatTimeDomainData(samples);
      let sum = 0;
      for (const s of samples) sum += s * s;
      // RMS in a perceptual-ish scale: speech around 0.3..0.8.
      const value = Math.min(1, Math.sqrt(sum / samples.length) * 4);
      const rounded = Math.round(value * 20) / 20;
      if (rounded !== last) setLevel((last = rounded));
      frame = requestAnimationFrame(tick);
    };
    frame = requestAnimationFrame(tick);
    return () => {
      cancelAnimationFrame(frame);
      source.disconnect();
      void context.close();
    };
  }, [stream, active, trackKey]);
  return level;
}
