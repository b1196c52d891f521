import {
  type AnchorHTMLAttributes,
  type ReactNode,
  useCallback,
  useEffect,
  useId,
  useRef,
  useState,
} from 'react';
import { errorText } from '../api';
import { navigate } from '../router';

/** A link that changes page without reloading it (and still opens in a new tab). */
export function Link(
  props: AnchorHTMLAttributes<HTMLAnchorElement> & { href: string },
) {
  const { href, onClick, ...rest } = props;
  return (
    <a
      {...rest}
      href={href}
      onClick={(event) => {
        onClick?.(event);
        if (
          !event.defaultPrevented &&
          event.button === 0 &&
          !event.metaKey &&
          !event.ctrlKey &&
          !event.shiftKey &&
          !event.altKey
        ) {
          event.preventDefault();
          navigate(href);
        }
      }}
    />
  );
}

/** A page's title, focused on arrival so screen readers and keyboards start from it. */
export function PageTitle({ children }: { children: ReactNode }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    ref.current?.focus();
    document.title = `${typeof children === 'string' ? children : 'Console'} · Gatehouse`;
  }, [children]);
  return (
    <h1 ref={ref} tabIndex={-1}>
      {children}
    </h1>
  );
}

export interface Resource<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
}

/** Loads `load()` now and whenever `key` changes; one request per resource per page. */
export function useResource<T>(
  load: () => Promise<T>,
  key: string,
): Resource<T> {
  const [state, setState] = useState<{
    key: string;
    version: number;
    data?: T;
    error?: unknown;
    done: boolean;
  }>({ key: '', version: 0, done: false });
  const [version, setVersion] = useState(0);
  const loadRef = useRef(load);
  useEffect(() => {
    loadRef.current = load;
  });
  useEffect(() => {
    let live = true;
    loadRef.current().then(
      (data) => live && setState({ key, version, data, done: true }),
      (error: unknown) => live && setState({ key, version, error, done: true }),
    );
    return () => {
      live = false;
    };
  }, [key, version]);
  const fresh = state.key === key && state.version === version;
  return {
    // Keep showing the last data while the next page of it loads.
    data: state.data,
    error: fresh ? state.error : undefined,
    loading: !fresh || !state.done,
    reload: useCallback(() => setVersion((v) => v + 1), []),
  };
}

/** Loading, error and empty states, the same on every page. */
export function Loadable<T>({
  resource,
  empty,
  isEmpty,
  children,
}: {
  resource: Resource<T>;
  empty?: ReactNode;
  isEmpty?: (data: T) => boolean;
  children: (data: T) => ReactNode;
}) {
  if (resource.error !== undefined) {
    return (
      <div className="notice error" role="alert">
        <p>{errorText(resource.error)}</p>
        <button type="button" onClick={resource.reload}>
          Try again
        </button>
      </div>
    );
  }
  if (resource.data === undefined) {
    return (
      <p className="muted" role="status">
        Loading…
      </p>
    );
  }
  if (isEmpty?.(resource.data)) {
    return <p className="notice empty">{empty}</p>;
  }
  return <div aria-busy={resource.loading}>{children(resource.data)}</div>;
}

/** A labelled input with its errors (from the API) right below it. */
export function Field({
  label,
  errors,
  hint,
  ...input
}: {
  label: string;
  errors?: string[];
  hint?: string;
} & React.InputHTMLAttributes<HTMLInputElement>) {
  const id = useId();
  const described = [
    errors?.length ? `${id}-error` : '',
    hint ? `${id}-hint` : '',
  ]
    .filter(Boolean)
    .join(' ');
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        aria-invalid={errors?.length ? true : undefined}
        aria-describedby={described || undefined}
        {...input}
      />
      {hint && (
        <p className="hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {errors?.length ? (
        <p className="field-error" id={`${id}-error`}>
          {errors.join(' ')}
        </p>
      ) : null}
    </div>
  );
}

/** A destructive button that asks once more, in place (no dialog to trap the keyboard). */
export function ConfirmButton({
  label,
  confirmLabel,
  question,
  onConfirm,
}: {
  label: string;
  confirmLabel: string;
  question: string;
  onConfirm: () => Promise<void>;
}) {
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const yes = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (asking) {
      yes.current?.focus();
    }
  }, [asking]);
  if (!asking) {
    return (
      <button type="button" className="danger" onClick={() => setAsking(true)}>
        {label}
      </button>
    );
  }
  return (
    <span className="confirm" role="group" aria-label={question}>
      <span>{question}</span>
      <button
        ref={yes}
        type="button"
        className="danger"
        disabled={busy}
        onClick={() => {
          setBusy(true);
          setError(null);
          onConfirm().catch((e: unknown) => {
            setError(errorText(e));
            setBusy(false);
          });
        }}
      >
        {confirmLabel}
      </button>
      <button type="button" onClick={() => setAsking(false)} disabled={busy}>
        Cancel
      </button>
      {error && (
        <span className="field-error" role="alert">
          {error}
        </span>
      )}
    </span>
  );
}

/**
 * The console's tables: one header row of column headers, in a box that scrolls sideways on a
 * narrow screen rather than widening the page. A column without a visible title (a bar, the
 * actions) still gets one for screen readers, in a visually-hidden span.
 */
export function Table({
  columns,
  children,
}: {
  columns: ReactNode[];
  children: ReactNode;
}) {
  return (
    <div className="table-wrap">
      <table>
        <thead>
          <tr>
            {columns.map((column, index) => (
              // The columns are fixed for each table: their place is their identity.
              <th scope="col" key={index}>
                {column}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}

/** Previous / next for the API's `{total, page, limit}` lists. */
export function Pager({
  page,
  limit,
  total,
  onPage,
}: {
  page: number;
  limit: number;
  total: number;
  onPage: (page: number) => void;
}) {
  const pages = Math.max(1, Math.ceil(total / limit));
  return (
    <nav className="pager" aria-label="Pages">
      <button
        type="button"
        disabled={page <= 1}
        onClick={() => onPage(page - 1)}
      >
        Previous
      </button>
      <span>
        Page {page} of {pages} ({total} in all)
      </span>
      <button
        type="button"
        disabled={page >= pages}
        onClick={() => onPage(page + 1)}
      >
        Next
      </button>
    </nav>
  );
}
