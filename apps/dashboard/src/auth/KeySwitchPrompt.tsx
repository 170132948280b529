import { useState } from 'react';
import type { ApiProblem } from '../api';
import { Dialog } from '../ui/Dialog';
import { ProblemAlert } from '../ui/ProblemAlert';
import { keyLabel } from './key-storage';

interface KeySwitchPromptProps {
  current: string;
  offered: string;
  accept: () => Promise<ApiProblem | null>;
  decline: () => void;
}

/** A #key= link opened while signed in: switching organizations is the person's choice, never the link's. */
export function KeySwitchPrompt({ current, offered, accept, decline }: KeySwitchPromptProps) {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const switchKey = async () => {
    setBusy(true);
    setProblem(await accept());
    setBusy(false);
  };
  return (
    <Dialog title="Sign in with another API key?" onClose={decline} testId="key-switch">
      <p>
        The link you opened carries the API key <code>{keyLabel(offered)}</code>. You are signed in with <code>{keyLabel(current)}</code>.
      </p>
      <p>
        The other key may belong to <strong>another organization</strong>: whatever you add after switching would be seen by whoever owns it. Switch only
        if you expected this link.
      </p>
      <ProblemAlert problem={problem ?? undefined} action="Could not sign in with that key" />
      <div className="actions">
        <button type="button" className="button" onClick={switchKey} disabled={busy}>
          Switch to {keyLabel(offered)}
        </button>
        <button type="button" className="button button-primary" onClick={decline}>
          Stay signed in as {keyLabel(current)}
        </button>
      </div>
    </Dialog>
  );
}
