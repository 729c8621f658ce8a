import type { ConfabError } from '@confab/client';
import { type FormEvent, type ReactNode, useCallback, useEffect, useId, useRef, useState } from 'react';
import type { JoinSettings, RingRequest } from '../app/call-session';
import { CALL_TYPE_OPTIONS } from '../app/call-types';
import { describeError } from '../app/errors';
import { CALL_ID_PATTERN, generateCallId, saveProfile, USER_ID_PATTERN, userIdFromName } from '../app/identity';
import { DevicePreview } from '../lobby/DevicePreview';
import { usePreviewCall } from '../lobby/use-preview-call';
import { ErrorNotice } from '../ui/ErrorNotice';
import { LogoMark, ShuffleIcon } from '../ui/icons';

/** What the lobby starts from: the remembered profile, the URL, or the last attempt. */
export interface LobbyValues extends JoinSettings {
  userIdEdited: boolean;
}

interface LobbyScreenProps {
  initial: LobbyValues;
  /** Why the last join failed. */
  error: ConfabError | null;
  onJoin(settings: JoinSettings): Promise<void>;
  /** Rings people in a new call. */
  onCall(settings: JoinSettings, ring: RingRequest): Promise<void>;
  /** Everything the lobby shows, each time it changes (the app connects as that user, answers rings with those devices). */
  onChange(values: LobbyValues): void;
  /** Above the form: a notice such as "Missed call from Alice". */
  notice?: ReactNode;
  /** Under the user id: whether people can call you. */
  presence?: ReactNode;
  /** Under the join form: calling people and missed calls. */
  renderCalling?(ctx: { ready: boolean; busy: boolean; userId: string; callPeople(ring: RingRequest): void }): ReactNode;
}

/** Name, call and devices, then Join; or call someone by user id. */
export function LobbyScreen({ initial, error, onJoin, onCall, onChange, notice, presence, renderCalling }: LobbyScreenProps) {
  const [name, setName] = useState(initial.name);
  const [userId, setUserId] = useState(initial.userIdEdited ? initial.userId : userIdFromName(initial.name) || initial.userId);
  const [userIdEdited, setUserIdEdited] = useState(initial.userIdEdited);
  const [callId, setCallId] = useState(initial.callId);
  const [callType, setCallType] = useState(initial.callType);
  const [joining, setJoining] = useState(false);
  const [previewGeneration, setPreviewGeneration] = useState(0);
  const preview = usePreviewCall(initial, previewGeneration);
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);
  const ids = { name: useId(), userId: useId(), callId: useId() };

  const onNameChange = (value: string) => {
    setName(value);
    if (!userIdEdited) setUserId(userIdFromName(value));
  };

  const trimmedName = name.trim();
  const problems = {
    name: trimmedName ? null : 'Enter your name',
    userId: USER_ID_PATTERN.test(userId) ? null : 'Letters, digits and _ @ . + - only',
    callId: CALL_ID_PATTERN.test(callId) ? null : 'Letters, digits, _ and - only (up to 64)',
  };
  const identityReady = !problems.name && !problems.userId;
  const valid = identityReady && !problems.callId;

  // Remembered as soon as it is usable: the app connects as this user, and a ring notification
  // clicked later opens the app as them.
  useEffect(() => {
    if (identityReady) saveProfile({ name: trimmedName, userId, userIdEdited });
  }, [identityReady, trimmedName, userId, userIdEdited]);

  /** The form and the preview's devices as they are now. */
  const snapshot = (): LobbyValues => {
    const camera = preview?.call.camera;
    const microphone = preview?.call.microphone;
    return {
      name: trimmedName,
      userId,
      userIdEdited,
      callType,
      callId,
      audio: microphone ? microphone.enabled : initial.audio,
      video: camera ? camera.enabled : initial.video,
      audioDeviceId: microphone?.selectedDevice ?? initial.audioDeviceId,
      videoDeviceId: camera?.selectedDevice ?? initial.videoDeviceId,
    };
  };
  const snapshotRef = useRef(snapshot);
  snapshotRef.current = snapshot;
  /** Set while the preview hands its devices over to a call: its "off" is not the user's choice. */
  const releasing = useRef(false);
  const report = useCallback(() => {
    if (!releasing.current) onChange(snapshotRef.current());
  }, [onChange]);
  useEffect(report, [report, trimmedName, userId, userIdEdited, callType, callId]);
  useEffect(() => {
    if (!preview) return;
    const subs = [preview.call.camera.status$.subscribe(report), preview.call.microphone.status$.subscribe(report)];
    return () => subs.forEach((sub) => sub.unsubscribe());
  }, [preview, report]);

  /** Frees the preview's devices for the call, runs `start`, and brings the preview back if still here. */
  const startWith = async (start: (settings: JoinSettings) => Promise<void>) => {
    const { userIdEdited: edited, ...settings } = snapshot();
    saveProfile({ name: trimmedName, userId, userIdEdited: edited });
    setJoining(true);
    releasing.current = true;
    // The devices go to the real call: free them first (some cameras open only once).
    await preview?.call.leave();
    await start(settings);
    // Still here: the call did not start (an error shows); bring the preview back.
    if (mounted.current) {
      releasing.current = false;
      setJoining(false);
      setPreviewGeneration((g) => g + 1);
    }
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!valid || joining) return;
    await startWith(onJoin);
  };

  const callPeople = (ring: RingRequest) => {
    if (!identityReady || joining) return;
    void startWith((settings) => onCall(settings, ring));
  };

  const errorView = error ? describeError(error, { callType: initial.callType }) : null;

  return (
    <div className="lobby" data-testid="lobby-screen">
      <header className="brand">
        <LogoMark />
        <span className="brand__name">Confab</span>
      </header>
      <main className="lobby__card">
        <div className="lobby__left">
          <section className="lobby__preview" aria-label="Camera and microphone">
            <DevicePreview preview={preview} name={trimmedName} onDevicesChange={report} />
          </section>
          {renderCalling?.({ ready: identityReady, busy: joining, userId, callPeople })}
        </div>
        <form className="lobby__form" onSubmit={submit} noValidate>
          {notice}
          <h1 className="lobby__title">Ready to join?</h1>
          <p className="lobby__subtitle">Check your camera and microphone, then join the call.</p>

          <div className="field">
            <label htmlFor={ids.name}>Your name</label>
            <input
              id={ids.name}
              value={name}
              onChange={(e) => onNameChange(e.target.value)}
              placeholder="e.g. Ada Lovelace"
              autoComplete="name"
              maxLength={128}
              autoFocus={!initial.name}
              data-testid="lobby-name"
            />
          </div>

          <div className="field">
            <label htmlFor={ids.userId}>
              User id <span className="field__note">{userIdEdited ? 'custom' : 'from your name'}</span>
            </label>
            <input
              id={ids.userId}
              value={userId}
              onChange={(e) => {
                setUserId(e.target.value.trim());
                setUserIdEdited(true);
              }}
              spellCheck={false}
              autoCapitalize="off"
              aria-invalid={!!(userId && problems.userId)}
              data-testid="lobby-user-id"
            />
            {userId && problems.userId && <p className="field__error">{problems.userId}</p>}
            {presence}
          </div>

          <div className="field">
            <label htmlFor={ids.callId}>Call id</label>
            <div className="field__row">
              <input
                id={ids.callId}
                value={callId}
                onChange={(e) => setCallId(e.target.value.trim())}
                placeholder="e.g. team-standup"
                spellCheck={false}
                autoCapitalize="off"
                aria-invalid={!!(callId && problems.callId)}
                data-testid="lobby-call-id"
              />
              <button type="button" className="button button--ghost" onClick={() => setCallId(generateCallId())} data-testid="lobby-generate-id" title="Generate a new call id">
                <ShuffleIcon size={16} />
                <span>Generate</span>
              </button>
            </div>
            {callId && problems.callId && <p className="field__error">{problems.callId}</p>}
          </div>

          <fieldset className="field call-type">
            <legend>Call type</legend>
            <div className="call-type__options">
              {CALL_TYPE_OPTIONS.map((option) => (
                <label
                  key={option.type}
                  className={`call-type__option ${callType === option.type ? 'call-type__option--selected' : ''}`}
                  data-testid={`lobby-call-type-${option.type}`}
                  data-selected={callType === option.type}
                >
                  <input
                    type="radio"
                    name="call-type"
                    value={option.type}
                    checked={callType === option.type}
                    onChange={() => setCallType(option.type)}
                  />
                  <span className="call-type__label">{option.label}</span>
                  <span className="call-type__description">{option.description}</span>
                </label>
              ))}
            </div>
          </fieldset>

          {errorView && <ErrorNotice error={errorView} testId="join-error" />}

          <button type="submit" className="button button--primary button--large" disabled={!valid || joining} data-testid="join-button">
            {joining ? 'Joining…' : 'Join call'}
          </button>
        </form>
      </main>
    </div>
  );
}
