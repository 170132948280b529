import { CopyButton } from '../ui/CopyButton';

/** A command to paste into a terminal, with the API's own address in it. */
export function CurlExample({ lines, label }: { lines: string[]; label: string }) {
  const text = lines.join(' \\\n  ');
  return (
    <figure className="code-block">
      <figcaption className="code-block-caption">
        <span>{label}</span>
        <CopyButton text={text} label="Copy command" />
      </figcaption>
      <pre>
        <code>{text}</code>
      </pre>
    </figure>
  );
}

export const apiOrigin = () => window.location.origin;
