import { useCallback, useEffect, useMemo, useRef, useState, type Dispatch, type SetStateAction } from 'react';
import type { ErrorInfo } from '../../../shared/contract';
import { asHomeportError } from '../lib/errors';

/** What the form says at its fields, by field name (the form's own checks, or a refusal naming the field). */
export type FieldErrors = Readonly<Record<string, string | undefined>>;

/** Where a refusal belongs: at a field of the form (with the words to show there), or null for the form as a whole. */
export type PlaceError = (error: ErrorInfo) => { field: string; message: string } | null;

export interface SubmitState<A extends unknown[] = []> {
  /**
   * Runs the action unless it is running already: busy meanwhile, the last attempt's errors
   * cleared first, a throw shown (at the field `placeError` names, else for the whole form).
   */
  run(...args: A): Promise<void>;
  busy: boolean;
  /** The last attempt's error, when it is not about one field. */
  error: ErrorInfo | null;
  fieldErrors: FieldErrors;
  setError(error: ErrorInfo | null): void;
  setFieldErrors: Dispatch<SetStateAction<FieldErrors>>;
  /**
   * The form's own checks before a submit: what they found is shown at the fields, in place of the
   * last attempt's errors. True when they found nothing (go ahead and run).
   */
  check(errors: FieldErrors): boolean;
  /**
   * Something was typed or chosen: what was said about the last attempt may no longer be true,
   * so the form's error goes, and `field`'s own error when a field is named.
   */
  edited(field?: string): void;
}

/**
 * The busy / error / try-finally every form repeats. `fn` may throw (a HomeportError from a
 * call, or anything else); `placeError` puts a refusal that names a field at that field.
 */
export function useSubmit<A extends unknown[] = []>(fn: (...args: A) => unknown, options: { placeError?: PlaceError } = {}): SubmitState<A> {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorInfo | null>(null);
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const fnRef = useRef(fn);
  fnRef.current = fn;
  const placeRef = useRef(options.placeError);
  placeRef.current = options.placeError;
  const running = useRef(false);
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);

  const run = useCallback(async (...args: A) => {
    if (running.current) return;
    running.current = true;
    setBusy(true);
    setError(null);
    setFieldErrors({});
    try {
      await fnRef.current(...args);
    } catch (e) {
      if (!mounted.current) return;
      const info = asHomeportError(e).toInfo();
      const at = placeRef.current?.(info) ?? null;
      if (at) setFieldErrors({ [at.field]: at.message });
      else setError(info);
    } finally {
      running.current = false;
      if (mounted.current) setBusy(false);
    }
  }, []);

  const check = useCallback((errors: FieldErrors) => {
    const found = Object.fromEntries(Object.entries(errors).filter(([, message]) => message));
    setError(null);
    setFieldErrors(found);
    return Object.keys(found).length === 0;
  }, []);

  const edited = useCallback((field?: string) => {
    setError(null);
    if (field === undefined) return;
    setFieldErrors((errors) => {
      if (errors[field] === undefined) return errors;
      const rest = { ...errors };
      delete rest[field];
      return rest;
    });
  }, []);

  return useMemo(() => ({ run, busy, error, fieldErrors, setError, setFieldErrors, check, edited }), [run, busy, error, fieldErrors, check, edited]);
}

/**
 * The usual placement: a VALIDATION refusal whose `details.field` ends in one of `fields` is shown
 * at that field, in the contract's words for it (`details.reason`), else in its message.
 */
export function atFields(fields: readonly string[]): PlaceError {
  return (error) => {
    if (error.code !== 'VALIDATION' || typeof error.details?.field !== 'string') return null;
    const field = error.details.field.split('.').pop()!;
    if (!fields.includes(field)) return null;
    const reason = error.details.reason;
    return { field, message: typeof reason === 'string' && reason ? reason : error.message };
  };
}
