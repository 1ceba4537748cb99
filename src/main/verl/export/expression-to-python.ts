// A reward spec's expression as one Python expression over `v` (the variables) with the helpers of the exported
// reward.py (_num, _truthy, _eq, _div…), so that Python evaluates it with the JavaScript evaluator's semantics:
// booleans count as 1/0, && and || short-circuit to booleans, == compares text strictly, % and ** and the
// functions behave like JavaScript's (NaN and infinities instead of exceptions).
import type { ExpressionNode } from '../../rl';

const COMPARISONS: Record<string, string> = { '<': '<', '<=': '<=', '>': '>', '>=': '>=' };
const ARITHMETIC: Record<string, string> = {
  '+': '_add',
  '-': '_sub',
  '*': '_mul',
  '/': '_div',
  '%': '_mod',
  '**': '_pow',
};

function pythonString(value: string): string {
  return JSON.stringify(value); // a JSON string literal is a valid Python string literal
}

function pythonNumber(value: number): string {
  if (Number.isInteger(value)) return `${value}.0`;
  return String(value);
}

export function expressionToPython(node: ExpressionNode): string {
  switch (node.type) {
    case 'num':
      return pythonNumber(node.value);
    case 'str':
      return pythonString(node.value);
    case 'bool':
      return node.value ? 'True' : 'False';
    case 'var':
      return `_var(v, ${pythonString(node.name)})`;
    case 'unary':
      return node.op === '!'
        ? `(not _truthy(${expressionToPython(node.arg)}))`
        : `(-_num(${expressionToPython(node.arg)}))`;
    case 'cond':
      return `(${expressionToPython(node.then)} if _truthy(${expressionToPython(node.test)}) else ${expressionToPython(node.else)})`;
    case 'call':
      return `_fn_${node.name}(${node.args.map((a) => `_num(${expressionToPython(a)})`).join(', ')})`;
    case 'binary': {
      const left = expressionToPython(node.left);
      const right = expressionToPython(node.right);
      if (node.op === '&&') return `(_truthy(${left}) and _truthy(${right}))`;
      if (node.op === '||') return `(_truthy(${left}) or _truthy(${right}))`;
      if (node.op === '==') return `_eq(${left}, ${right})`;
      if (node.op === '!=') return `(not _eq(${left}, ${right}))`;
      if (COMPARISONS[node.op]) return `(_num(${left}) ${COMPARISONS[node.op]} _num(${right}))`;
      const helper = ARITHMETIC[node.op];
      if (!helper)
        throw new Error(`The reward expression uses the operator ${node.op}, which has no Python translation`);
      return `${helper}(_num(${left}), _num(${right}))`;
    }
  }
}
