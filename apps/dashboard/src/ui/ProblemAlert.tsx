import type { ApiProblem } from '../api';

interface ProblemAlertProps {
  problem: ApiProblem | null | undefined;
  /** Field errors already shown next to their fields, not repeated here. */
  shownFields?: string[];
  /** What was being done, e.g. "Could not add the webhook". */
  action?: string;
}

/** The API's own words: `detail`, and any field error that has no field on screen. */
export function ProblemAlert({ problem, shownFields = [], action }: ProblemAlertProps) {
  if (!problem) return null;
  const others = problem.errors.filter((error) => !shownFields.includes(error.path));
  return (
    <div className="alert alert-error" role="alert">
      <p>
        {action ? <strong>{action}: </strong> : null}
        {problem.detail}
      </p>
      {others.length > 0 ? (
        <ul>
          {others.map((error) => (
            <li key={`${error.path}:${error.message}`}>
              <code>{error.path}</code> {error.message}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
