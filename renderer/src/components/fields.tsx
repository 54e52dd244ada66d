import type { InputHTMLAttributes, ReactNode, Ref, SelectHTMLAttributes, TextareaHTMLAttributes } from 'react';
import { Field } from './Field';
import { useFormContext } from './FormDialog';

/** What every labelled field takes. */
interface FieldBase {
  label: string;
  /**
   * The field's key in the form: its error is read from the form (the form's own checks, or a
   * refusal naming it), and a change clears that error and the form's.
   */
  name?: string;
  /** An error given directly (wins over the form's). */
  error?: string | null | undefined;
  hint?: ReactNode;
  /** Classes of the field's box (e.g. `span-2` in a two-column grid). */
  className?: string;
  /** Monospace text (addresses, paths, keys). */
  mono?: boolean;
}

/** The field's error and the change handler that tells the form. */
function useFieldState(name: string | undefined, explicit: string | null | undefined) {
  const form = useFormContext();
  const error = explicit ?? (name !== undefined ? form?.fieldErrors[name] : undefined) ?? null;
  const changed = () => form?.edited(name);
  return { error, changed };
}

type InputRest = Omit<InputHTMLAttributes<HTMLInputElement>, 'value' | 'onChange' | 'name' | 'className' | 'id' | 'children'>;

export interface TextFieldProps extends FieldBase, InputRest {
  value: string;
  onChange(value: string): void;
  inputRef?: Ref<HTMLInputElement>;
}

/** A labelled one-line input; `type` may be text, url, password, number, time… */
export function TextField({ label, name, error: explicit, hint, className, mono, value, onChange, inputRef, ...input }: TextFieldProps) {
  const { error, changed } = useFieldState(name, explicit);
  return (
    <Field label={label} error={error} hint={hint} className={className}>
      {({ id, describedBy, invalid }) => (
        <input
          {...input}
          id={id}
          ref={inputRef}
          className={mono ? 'mono' : undefined}
          value={value}
          aria-invalid={invalid}
          aria-describedby={describedBy}
          onChange={(e) => {
            changed();
            onChange(e.target.value);
          }}
        />
      )}
    </Field>
  );
}

/** A secret: masked, never spell-checked. */
export function PasswordField(props: Omit<TextFieldProps, 'type'>) {
  return <TextField type="password" {...props} />;
}

/** A number typed as text (so a half-typed value stays as typed); the form reads and checks it. */
export function NumberField(props: Omit<TextFieldProps, 'type'>) {
  return <TextField type="number" {...props} />;
}

type TextAreaRest = Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, 'value' | 'onChange' | 'name' | 'className' | 'id' | 'children'>;

export interface TextAreaFieldProps extends FieldBase, TextAreaRest {
  value: string;
  onChange(value: string): void;
  /** Classes of the text area itself, besides `mono`. */
  inputClassName?: string;
  inputRef?: Ref<HTMLTextAreaElement>;
}

export function TextAreaField({ label, name, error: explicit, hint, className, mono, inputClassName, value, onChange, inputRef, ...area }: TextAreaFieldProps) {
  const { error, changed } = useFieldState(name, explicit);
  const classes = [mono ? 'mono' : null, inputClassName ?? null].filter(Boolean).join(' ') || undefined;
  return (
    <Field label={label} error={error} hint={hint} className={className}>
      {({ id, describedBy, invalid }) => (
        <textarea
          {...area}
          id={id}
          ref={inputRef}
          className={classes}
          value={value}
          aria-invalid={invalid}
          aria-describedby={describedBy}
          onChange={(e) => {
            changed();
            onChange(e.target.value);
          }}
        />
      )}
    </Field>
  );
}

type SelectRest = Omit<SelectHTMLAttributes<HTMLSelectElement>, 'value' | 'onChange' | 'name' | 'className' | 'id'>;

export interface SelectFieldProps<V extends string> extends FieldBase, SelectRest {
  value: V;
  onChange(value: NoInfer<V>): void;
  /** The `<option>`s. */
  children: ReactNode;
}

export function SelectField<V extends string>({ label, name, error: explicit, hint, className, mono, value, onChange, children, ...select }: SelectFieldProps<V>) {
  const { error, changed } = useFieldState(name, explicit);
  return (
    <Field label={label} error={error} hint={hint} className={className}>
      {({ id, describedBy, invalid }) => (
        <select
          {...select}
          id={id}
          className={mono ? 'mono' : undefined}
          value={value}
          aria-invalid={error ? invalid : undefined}
          aria-describedby={describedBy}
          onChange={(e) => {
            changed();
            onChange(e.target.value as V);
          }}
        >
          {children}
        </select>
      )}
    </Field>
  );
}

type CheckboxRest = Omit<InputHTMLAttributes<HTMLInputElement>, 'type' | 'checked' | 'onChange' | 'name' | 'className' | 'children'>;

export interface CheckboxFieldProps extends CheckboxRest {
  /** The words after the box (the label is the whole line: clicking it toggles). */
  label: ReactNode;
  checked: boolean;
  onChange(checked: boolean): void;
  name?: string;
  /** Classes of the label (default `checkbox`). */
  className?: string;
  /** A note after the words, inside the label. */
  note?: ReactNode;
}

export function CheckboxField({ label, checked, onChange, name, className = 'checkbox', note, title, ...input }: CheckboxFieldProps) {
  const { changed } = useFieldState(name, undefined);
  return (
    <label className={className} title={title}>
      <input
        {...input}
        type="checkbox"
        checked={checked}
        onChange={(e) => {
          changed();
          onChange(e.target.checked);
        }}
      />
      {label}
      {note}
    </label>
  );
}
