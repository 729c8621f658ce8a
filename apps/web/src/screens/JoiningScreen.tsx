import { useCall } from '@confab/react';
import { callTypeLabel } from '../app/call-types';
import { CenteredCard } from '../ui/CenteredCard';

/** While call.join() (or accept()) runs. */
export function JoiningScreen({ title }: { title?: string }) {
  const call = useCall();
  return (
    <CenteredCard testId="joining-screen">
      <div className="spinner" aria-hidden="true" />
      <h1 className="centered-card__title">{title ?? `Joining ${call.id}…`}</h1>
      <p className="centered-card__text">{callTypeLabel(call.type)} call</p>
    </CenteredCard>
  );
}
