import { useEffect, useState } from 'react';
import { formatDateTime, formatRelative } from '../format';

/** Re-renders every `intervalMs` so relative times stay true. */
export function useNow(intervalMs: number): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}

/** "3 min ago", with the exact time on hover and for assistive technology. */
export function RelativeTime({ iso, now }: { iso: string; now?: number }) {
  return (
    <time dateTime={iso} title={formatDateTime(iso)}>
      {formatRelative(iso, now)}
    </time>
  );
}
