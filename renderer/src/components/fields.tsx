import { useId, type InputHTMLAttributes, type ReactNode, type Ref, type SelectHTMLAttributes, type TextareaHTMLAttributes } from 'react';
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

/** What a labelled control spreads on itself: its id, and its error and hint tied to it. */
interface ControlProps {
  id: string;
  'aria-invalid': boolean | undefined;
  'aria-describedby': string | undefined;
}

/** The label, hint and error around one control; `control` draws it, calling `changed` before its own change. */
function Labelled({ label, name, error: explicit, hint, className, control }: FieldBase & { control(props: ControlProps, changed: () => void): ReactNode }) {
  const { error, changed } = useFieldState(name, explicit);
  return (
    <Field label={label} error={error} hint={hint} className={className}>
      {({ id, describedBy, invalid }) => control({ id, 'aria-invalid': invalid, 'aria-describedby': describedBy }, changed)}
    </Field>
  );
}

type InputRest = Omit<InputHTMLAttributes<HTMLInputElement>, 'value' | 'onChange' | 'name' | 'className' | 'id' | 'children'>;

export interface TextFieldProps extends FieldBase, InputRest {
  value: string;
  onChange(value: string): void;
  inputRef?: Ref<HTMLInputElement>;
}

/** A labelled one-line input; `type` may be text, url, password, number, time… */
export function TextField({ label, name, error, hint, className, mono, value, onChange, inputRef, ...input }: TextFieldProps) {
  return (
    <Labelled
      {...{ label, name, error, hint, className }}
      control={(props, changed) => (
        <input {...input} {...props} ref={inputRef} className={mono ? 'mono' : undefined} value={value} onChange={(e) => { changed(); onChange(e.target.value); }} />
      )}
    />
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

export function TextAreaField({ label, name, error, hint, className, mono, inputClassName, value, onChange, inputRef, ...area }: TextAreaFieldProps) {
  const classes = [mono ? 'mono' : null, inputClassName ?? null].filter(Boolean).join(' ') || undefined;
  return (
    <Labelled
      {...{ label, name, error, hint, className }}
      control={(props, changed) => <textarea {...area} {...props} ref={inputRef} className={classes} value={value} onChange={(e) => { changed(); onChange(e.target.value); }} />}
    />
  );
}

type SelectRest = Omit<SelectHTMLAttributes<HTMLSelectElement>, 'value' | 'onChange' | 'name' | 'className' | 'id'>;

export interface SelectFieldProps<V extends string> extends FieldBase, SelectRest {
  value: V;
  onChange(value: NoInfer<V>): void;
  /** The `<option>`s. */
  children: ReactNode;
}

export function SelectField<V extends string>({ label, name, error, hint, className, mono, value, onChange, children, ...select }: SelectFieldProps<V>) {
  return (
    <Labelled
      {...{ label, name, error, hint, className }}
      control={(props, changed) => (
        // A select is marked invalid only while it has an error (most never do).
        <select {...select} {...props} aria-invalid={props['aria-invalid'] || undefined} className={mono ? 'mono' : undefined} value={value} onChange={(e) => { changed(); onChange(e.target.value as V); }}>
          {children}
        </select>
      )}
    />
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
  /** A line below the box, tied to it. */
  hint?: ReactNode;
  /** An error given directly (wins over the form's). */
  error?: string | null | undefined;
}

export function CheckboxField({ label, checked, onChange, name, className = 'checkbox', note, title, hint, error: explicit, ...input }: CheckboxFieldProps) {
  const { error, changed } = useFieldState(name, explicit);
  const id = useId();
  const describedBy = [error ? `${id}-error` : null, hint ? `${id}-hint` : null].filter(Boolean).join(' ') || undefined;
  return (
    <>
      <label className={className} title={title}>
        <input
          {...input}
          type="checkbox"
          checked={checked}
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy}
          onChange={(e) => {
            changed();
            onChange(e.target.checked);
          }}
        />
        {label}
        {note}
      </label>
      {error && (
        <p className="field-error" id={`${id}-error`} role="alert">
          {error}
        </p>
      )}
      {hint && (
        <p className="field-hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
    </>
  );
}
