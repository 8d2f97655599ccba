/** A form's feedback line: an error, announced at once, or what was done. */
import type { Feedback } from '../lib/use-async-action';

export function FormFeedback({ feedback, testId }: { feedback: Feedback | null; testId?: string }) {
  if (!feedback) return null;
  const error = feedback.kind === 'error';
  return (
    <p className={error ? 'form-error' : 'form-ok'} role={error ? 'alert' : 'status'} data-testid={testId}>
      {feedback.text}
    </p>
  );
}
