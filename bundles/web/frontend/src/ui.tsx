import { Button as AriaButton, type ButtonProps, TextField, Label, Input, TextArea, FieldError, Text } from 'react-aria-components';
import { Component, type ReactNode } from 'react';
import { ApiError, toShown } from './api/problem';

export function Button(props: ButtonProps & { variant?: 'primary' | 'secondary' | 'danger' }) {
  const { variant = 'primary', className, ...rest } = props;
  return <AriaButton {...rest} className={`btn btn-${variant} ${typeof className === 'string' ? className : ''}`} />;
}

export function Field(props: {
  label: string; name: string; value: string; onChange: (v: string) => void; type?: string; multiline?: boolean;
  error?: string; description?: string; autoComplete?: string; isRequired?: boolean; inputMode?: 'numeric' | 'text';
}) {
  return (
    <TextField className="field" name={props.name} value={props.value} onChange={props.onChange} type={props.type}
      isRequired={props.isRequired} isInvalid={!!props.error} autoComplete={props.autoComplete}
      validationBehavior="aria">
      <Label>{props.label}</Label>
      {props.multiline ? <TextArea rows={3} /> : <Input inputMode={props.inputMode} />}
      {props.description && <Text slot="description">{props.description}</Text>}
      <FieldError>{props.error}</FieldError>
    </TextField>
  );
}

/** An API error in the API's words, announced to screen readers. */
export function ErrorNote({ error }: { error: unknown }) {
  if (!error) return null;
  const message = error instanceof ApiError ? error.message : error instanceof Error ? error.message : toShown(error).message;
  return <p className="error" role="alert">{message}</p>;
}

export function Notice({ children }: { children: ReactNode }) {
  return <p className="notice" role="status">{children}</p>;
}

/** The error of one form field, when the API named that field. */
export function fieldError(error: unknown, field: string): string | undefined {
  return error instanceof ApiError && error.field === field ? error.message : undefined;
}

/**
 * A part of the page that failed while rendering or loading (a lazy chunk that did not arrive on a weak connection, a
 * library that threw) says so in place, with the reason, instead of leaving the reader a blank app.
 */
export class Failsafe extends Component<{ message: string; children: ReactNode }, { error: unknown }> {
  state = { error: null as unknown };

  static getDerivedStateFromError(error: unknown) {
    return { error };
  }

  render() {
    if (!this.state.error) return this.props.children;
    const e = this.state.error;
    return (
      <div className="error" role="alert">
        <p>{this.props.message}</p>
        <p className="muted">{e instanceof Error ? e.message : String(e)}</p>
      </div>
    );
  }
}
