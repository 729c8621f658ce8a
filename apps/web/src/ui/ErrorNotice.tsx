import type { ErrorView } from '../app/errors';
import { AlertIcon } from './icons';

/** A ConfabError shown to a person: what happened, the SDK's message, and the code for support. */
export function ErrorNotice({ error, testId, onDismiss }: { error: ErrorView; testId?: string; onDismiss?: () => void }) {
  return (
    <div className="error-notice" role="alert" data-testid={testId} data-code={error.code}>
      <AlertIcon className="error-notice__icon" />
      <div className="error-notice__body">
        <strong className="error-notice__title">{error.title}</strong>
        <p className="error-notice__message">{capitalize(error.message)}</p>
        {error.hint && <p className="error-notice__hint">{error.hint}</p>}
        <code className="error-notice__code">{error.code}</code>
      </div>
      {onDismiss && (
        <button type="button" className="error-notice__dismiss" onClick={onDismiss} aria-label="Dismiss">
          ×
        </button>
      )}
    </div>
  );
}

function capitalize(text: string): string {
  return text ? text[0]!.toUpperCase() + text.slice(1) : text;
}
