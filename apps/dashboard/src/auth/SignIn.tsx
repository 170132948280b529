import { useState, type FormEvent } from 'react';
import type { ApiProblem } from '../api';
import { ProblemAlert } from '../ui/ProblemAlert';
import { TextField } from '../ui/TextField';

interface SignInProps {
  problem: ApiProblem | null;
  signIn: (key: string) => Promise<ApiProblem | null>;
}

export function SignIn({ problem: initialProblem, signIn }: SignInProps) {
  const [key, setKey] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<ApiProblem | null>(initialProblem);
  // A problem handed in is why the session ended; one from this form is why signing in failed.
  const [action, setAction] = useState(initialProblem ? 'You were signed out' : 'Sign-in failed');

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!key.trim()) return;
    setBusy(true);
    const refused = await signIn(key.trim());
    setBusy(false);
    setProblem(refused);
    setAction('Sign-in failed');
  };

  return (
    <main className="sign-in" id="main">
      <div className="sign-in-card card">
        <p className="brand brand-large">
          <span className="brand-mark" aria-hidden="true" />
          Hookline
        </p>
        <h1>Sign in with an API key</h1>
        <p className="muted">The dashboard uses the same API keys as the HTTP API. The key is kept in this browser until you sign out.</p>
        <ProblemAlert problem={problem} action={action} />
        <form onSubmit={submit} className="stack">
          <TextField
            label="API key"
            name="apiKey"
            type="password"
            autoComplete="off"
            spellCheck={false}
            placeholder="hk_…"
            value={key}
            onChange={(event) => setKey(event.target.value)}
            required
            autoFocus
            hint={
              <>
                <code>npm start</code> prints a development key. A link ending in <code>#key=&lt;api key&gt;</code> signs in directly.
              </>
            }
          />
          <button type="submit" className="button button-primary" disabled={busy}>
            {busy ? 'Checking…' : 'Sign in'}
          </button>
        </form>
      </div>
    </main>
  );
}
