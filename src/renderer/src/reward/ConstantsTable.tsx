// The spec's constants: edit values, rename, add and remove.
import { useState } from 'react';
import { useReward } from './store';

export function ConstantsTable() {
  const { draft, edit } = useReward();
  const [newName, setNewName] = useState('');
  const set = (constants: Record<string, number>) => edit({ constants });
  return (
    <div className="rw-constants">
      <div className="muted">Constants</div>
      {Object.entries(draft.constants).map(([name, value]) => (
        <div key={name} className="row">
          <code>{name}</code>
          <input
            type="number"
            step="any"
            aria-label={`Constant ${name}`}
            value={value}
            onChange={(e) => set({ ...draft.constants, [name]: Number(e.target.value) })}
          />
          <button
            className="small ghost"
            aria-label={`Remove ${name}`}
            onClick={() => {
              const { [name]: _removed, ...rest } = draft.constants;
              set(rest);
            }}
          >
            ✕
          </button>
        </div>
      ))}
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(newName)) set({ ...draft.constants, [newName]: 0 });
          setNewName('');
        }}
      >
        <input
          placeholder="new constant"
          aria-label="New constant name"
          value={newName}
          onChange={(e) => setNewName(e.target.value)}
        />
        <button className="small ghost" type="submit">
          Add
        </button>
      </form>
    </div>
  );
}
