import { type FormEvent, useId, useState } from 'react';
import type { RingRequest } from '../app/call-session';
import { USER_ID_PATTERN } from '../app/identity';
import { parseCallees } from '../ringing/outgoing-ring';
import { PhoneIcon } from '../ui/icons';

/** A small-group call holds 4 people: you and up to 3 you ring. */
const MAX_CALLEES = 3;

interface CallPersonFormProps {
  /** Your own user id (you cannot ring yourself). */
  userId: string;
  /** Whether the rest of the lobby (name, user id) is filled in. */
  ready: boolean;
  busy: boolean;
  onCall(ring: RingRequest): void;
}

function problemOf(ids: string[], own: string): string | null {
  if (ids.length === 0) return null;
  const bad = ids.find((id) => !USER_ID_PATTERN.test(id));
  if (bad) return `"${bad}" is not a user id (letters, digits and _ @ . + - only)`;
  if (ids.includes(own)) return 'That is you: enter the id of someone else';
  if (ids.length > MAX_CALLEES) return `Ring up to ${MAX_CALLEES} people at once (small group calls take 4)`;
  return null;
}

/** "Call a person": user ids, comma separated, and an optional topic; rings them in a new call. */
export function CallPersonForm({ userId, ready, busy, onCall }: CallPersonFormProps) {
  const [input, setInput] = useState('');
  const [topic, setTopic] = useState('');
  const ids = { who: useId(), topic: useId() };
  const callees = parseCallees(input);
  const problem = problemOf(callees, userId);
  const canCall = ready && !busy && callees.length > 0 && !problem;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!canCall) return;
    onCall({ userIds: callees, ...(topic.trim() ? { topic: topic.trim() } : {}) });
  };

  return (
    <form className="call-person" onSubmit={submit} noValidate aria-labelledby={`${ids.who}-title`}>
      <h2 className="call-person__title" id={`${ids.who}-title`}>
        Call a person
      </h2>
      <div className="field">
        <label htmlFor={ids.who}>Their user id (several: comma separated)</label>
        <div className="field__row">
          <input
            id={ids.who}
            value={input}
            onChange={(e) => setInput(e.target.value)}
            placeholder="e.g. bob, carol"
            spellCheck={false}
            autoCapitalize="off"
            autoComplete="off"
            aria-invalid={!!problem}
            data-testid="call-person-input"
          />
          <button type="submit" className="button button--success" disabled={!canCall} data-testid="call-person-button">
            <PhoneIcon size={16} />
            <span>Call</span>
          </button>
        </div>
        {problem && <p className="field__error">{problem}</p>}
      </div>
      <div className="field">
        <label htmlFor={ids.topic}>
          Topic <span className="field__note">optional, shown while it rings</span>
        </label>
        <input
          id={ids.topic}
          value={topic}
          onChange={(e) => setTopic(e.target.value.slice(0, 120))}
          placeholder="e.g. Quick question about the release"
          data-testid="call-person-topic"
        />
      </div>
    </form>
  );
}
