import { Checkbox, SelectField, TextField } from '../components/Fields.js';
import type { PostOptionField } from '../types.js';

interface OptionFieldsProps {
  fields: PostOptionField[];
  values: Record<string, unknown>;
  onChange: (values: Record<string, unknown>) => void;
  /** Names the fields for this channel ("Visibility for Acme"). */
  channelName: string;
  /** Problems the server found with an option, by option name. */
  errors: Record<string, string[]>;
}

const asText = (value: unknown): string =>
  Array.isArray(value) ? value.join(', ') : typeof value === 'string' ? value : '';

function languages(text: string, max: number): string | string[] | undefined {
  const codes = text
    .split(/[\s,]+/)
    .map((c) => c.trim())
    .filter(Boolean);
  if (codes.length === 0) return undefined;
  return max === 1 ? codes[0] : codes;
}

/** Keeps only options that say something: no empty texts, unchecked switches or empty lists. */
export function meaningfulOptions(values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(values).filter(
      ([, v]) => v !== undefined && v !== '' && v !== false && !(Array.isArray(v) && v.length === 0),
    ),
  );
}

/** A network's post options, rendered from the data the server declares for the network. */
export function OptionFields({ fields, values, onChange, channelName, errors }: OptionFieldsProps) {
  if (fields.length === 0) return null;
  const set = (name: string, value: unknown) => onChange({ ...values, [name]: value });
  return (
    <fieldset className="stack option-fields">
      <legend>Options for {channelName}</legend>
      {fields.map((field) => {
        const label = `${field.label} for ${channelName}`;
        const problems = errors[field.name] ?? [];
        const hint = (
          <>
            {field.help}
            {problems.map((p) => (
              <span key={p} className="field-error">
                {' '}
                {p}
              </span>
            ))}
          </>
        );
        switch (field.kind) {
          case 'choice':
            return (
              <SelectField
                key={field.name}
                label={label}
                hint={hint}
                value={asText(values[field.name])}
                onChange={(e) => set(field.name, e.target.value || undefined)}
              >
                <option value="">Default</option>
                {field.choices.map((c) => (
                  <option key={c.value} value={c.value}>
                    {c.label}
                  </option>
                ))}
              </SelectField>
            );
          case 'boolean':
            return (
              <Checkbox
                key={field.name}
                label={label}
                description={field.help || problems.length ? hint : undefined}
                checked={values[field.name] === true}
                onChange={(e) => set(field.name, e.target.checked)}
              />
            );
          case 'languages':
            return (
              <TextField
                key={field.name}
                label={label}
                hint={hint}
                autoComplete="off"
                spellCheck={false}
                defaultValue={asText(values[field.name])}
                onChange={(e) => set(field.name, languages(e.target.value, field.max))}
              />
            );
          case 'text':
            return (
              <TextField
                key={field.name}
                label={label}
                hint={hint}
                maxLength={field.maxLength}
                value={asText(values[field.name])}
                onChange={(e) => set(field.name, e.target.value)}
              />
            );
          default:
            return null;
        }
      })}
    </fieldset>
  );
}
