/**
 * "Confirm with": radio buttons over the ways an account can prove it is its owner (a code, a
 * recovery code, a passkey, a password), shown only when there is more than one.
 */
export function MethodChoice<M extends string>(props: {
  name: string;
  methods: readonly M[];
  labels: Record<M, string>;
  value: M | null;
  onChange: (method: M) => void;
}) {
  const { name, methods, labels, value, onChange } = props;
  if (methods.length <= 1) {
    return null;
  }
  return (
    <fieldset className="choices">
      <legend>Confirm with</legend>
      {methods.map((choice) => (
        <label key={choice} className="check">
          <input
            type="radio"
            name={name}
            value={choice}
            checked={value === choice}
            onChange={() => onChange(choice)}
          />{' '}
          {labels[choice]}
        </label>
      ))}
    </fieldset>
  );
}
