/** "Send test": a sample envelope to the destination, and what its receiver answered (✓/✗, status, time, error). */
import { useState } from 'react';
import type { SendResult } from '../../../../shared/api/notifications';
import { useConsole } from '../../app/console-context';
import { actionProblem } from './field-errors';

export function SendTest(props: { destinationId: string; compact?: boolean; label?: string }) {
  const { api } = useConsole();
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<SendResult | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  const send = async () => {
    setBusy(true);
    setProblem(null);
    setResult(null);
    try {
      setResult(await api.testDestination(props.destinationId));
    } catch (err) {
      setProblem(actionProblem(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className={`send-test${props.compact ? ' compact' : ''}`} data-testid="send-test">
      <button type="button" onClick={() => void send()} disabled={busy} data-testid="send-test-button">
        {busy ? 'Sending…' : (props.label ?? 'Send test')}
      </button>
      {result && <TestAnswer result={result} />}
      {problem && (
        <span className="test-answer bad" role="alert" data-testid="send-test-result" data-ok="false">
          {problem}
        </span>
      )}
    </div>
  );
}

function TestAnswer({ result: r }: { result: SendResult }) {
  const status = r.status === null ? 'no HTTP status' : String(r.status);
  return (
    <span className={`test-answer ${r.ok ? 'ok' : 'bad'}`} role="status" data-testid="send-test-result" data-ok={String(r.ok)}>
      <span className="test-mark" aria-hidden="true">
        {r.ok ? '✓' : '✗'}
      </span>
      <span>
        {r.ok ? 'Accepted' : 'Not accepted'} · {status} · {formatMs(r.ms)}
        {r.error && <span className="test-error"> — {r.error}</span>}
      </span>
    </span>
  );
}

export const formatMs = (ms: number): string => (ms < 10 ? `${ms.toFixed(1)} ms` : `${Math.round(ms)} ms`);
