import { useEffect, useId, useRef, type ReactNode } from 'react';

interface DialogProps {
  title: ReactNode;
  onClose: () => void;
  children: ReactNode;
  /** Wider for content such as a delivery's attempts. */
  size?: 'small' | 'large';
  testId?: string;
}

/**
 * A modal on the native <dialog>: the browser traps focus, Escape closes it
 * (through `cancel`), and focus returns to the button that opened it.
 */
export function Dialog({ title, onClose, children, size = 'small', testId }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const close = useRef(onClose);
  close.current = onClose;

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (!dialog.open) dialog.showModal();
    return () => {
      dialog.close();
      opener?.focus();
    };
  }, []);

  return (
    <dialog
      ref={ref}
      className={`dialog dialog-${size}`}
      aria-labelledby={titleId}
      data-testid={testId}
      onCancel={(event) => {
        event.preventDefault();
        close.current();
      }}
      onClick={(event) => {
        // Only the backdrop is the <dialog> itself: its content fills it.
        if (event.target === ref.current) close.current();
      }}
    >
      <div className="dialog-frame">
        <header className="dialog-header">
          <h2 id={titleId}>{title}</h2>
          <button type="button" className="button button-ghost button-icon" aria-label="Close" onClick={() => close.current()}>
            <span aria-hidden="true">×</span>
          </button>
        </header>
        <div className="dialog-body">{children}</div>
      </div>
    </dialog>
  );
}
