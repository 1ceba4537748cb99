// The reward expression: live syntax check (the compiler's message, with a caret under the position) and
// completion of variable, constant and function names (Tab or Enter takes the first suggestion).
import { useRef, useState } from 'react';
import { completions, wordAt } from './completion';
import { useReward } from './store';

export function ExpressionEditor() {
  const { draft, check, variables, functions, edit } = useReward();
  const area = useRef<HTMLTextAreaElement>(null);
  const [caret, setCaret] = useState(0);
  const names = [...Object.keys(variables), ...Object.keys(draft.constants), ...functions];
  const { start, word } = wordAt(draft.expression, caret);
  const suggestions = completions(word, names);

  const accept = (name: string) => {
    const expression = draft.expression.slice(0, start) + name + draft.expression.slice(caret);
    edit({ expression });
    const at = start + name.length;
    requestAnimationFrame(() => {
      area.current?.setSelectionRange(at, at);
      setCaret(at);
    });
  };

  const pos = check?.error?.position ?? -1;
  return (
    <div className="rw-editor">
      <label htmlFor="rw-expression">Expression</label>
      <textarea
        id="rw-expression"
        ref={area}
        spellCheck={false}
        rows={3}
        value={draft.expression}
        aria-invalid={check ? !check.ok : undefined}
        onChange={(e) => {
          setCaret(e.target.selectionStart);
          edit({ expression: e.target.value });
        }}
        onSelect={(e) => setCaret(e.currentTarget.selectionStart)}
        onKeyDown={(e) => {
          if ((e.key === 'Tab' || e.key === 'Enter') && suggestions.length) {
            e.preventDefault();
            accept(suggestions[0]);
          }
        }}
      />
      {suggestions.length ? (
        <div className="rw-suggest" data-testid="completions">
          {suggestions.map((n) => (
            <button
              key={n}
              className="small ghost"
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => accept(n)}
              title={variables[n] ?? (functions.includes(n) ? 'function' : 'constant')}
            >
              {n}
            </button>
          ))}
        </div>
      ) : null}
      {check && !check.ok && check.error ? (
        <div className="rw-error" data-testid="expression-error">
          {pos >= 0 ? (
            <pre>
              {draft.expression}
              {'\n'}
              {' '.repeat(pos)}^
            </pre>
          ) : null}
          {check.error.message}
        </div>
      ) : check?.ok ? (
        <div className="lab-ok" data-testid="expression-ok">
          ✓ reads {check.variables.join(', ')}
        </div>
      ) : null}
    </div>
  );
}
