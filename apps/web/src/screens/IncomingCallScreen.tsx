import { useCall } from '@confab/react';
import { CenteredCard } from '../ui/CenteredCard';

/**
 * A ringing call (CallingState.RINGING). A placeholder until the full incoming-call screen
 * (caller, ringtone, accept and decline) is built.
 */
export function IncomingCallScreen() {
  const call = useCall();
  return (
    <CenteredCard testId="incoming-call-screen">
      <h1 className="centered-card__title">Incoming call</h1>
      <p className="centered-card__text">{call.id}</p>
    </CenteredCard>
  );
}
