// A small, safe expression language for reward specs: numbers, booleans, strings, named variables,
// arithmetic, comparisons, && || !, a ? b : c, and a fixed set of pure functions. Parsed into a tree once
// (no eval, no Function); evaluation is one walk of a tree whose size is capped, so work is bounded.

export type Value = number | boolean | string;

export class ExpressionError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(position >= 0 ? `${message} (at character ${position + 1})` : message);
    this.name = 'ExpressionError';
  }
}

export type ExpressionNode = Node;
type Node =
  | { type: 'num'; value: number; pos: number }
  | { type: 'str'; value: string; pos: number }
  | { type: 'bool'; value: boolean; pos: number }
  | { type: 'var'; name: string; pos: number }
  | { type: 'unary'; op: '-' | '!'; arg: Node; pos: number }
  | { type: 'binary'; op: string; left: Node; right: Node; pos: number }
  | { type: 'cond'; test: Node; then: Node; else: Node; pos: number }
  | { type: 'call'; name: string; args: Node[]; pos: number };

const MAX_LENGTH = 4000;
const MAX_NODES = 1000;
const MAX_DEPTH = 64;

const functions: Record<string, { arity: [number, number]; fn: (...args: number[]) => number }> = {
  min: { arity: [1, 16], fn: Math.min },
  max: { arity: [1, 16], fn: Math.max },
  abs: { arity: [1, 1], fn: Math.abs },
  clip: { arity: [3, 3], fn: (x, lo, hi) => Math.min(hi, Math.max(lo, x)) },
  log: { arity: [1, 1], fn: Math.log },
  exp: { arity: [1, 1], fn: Math.exp },
  sqrt: { arity: [1, 1], fn: Math.sqrt },
  floor: { arity: [1, 1], fn: Math.floor },
  ceil: { arity: [1, 1], fn: Math.ceil },
  round: { arity: [1, 1], fn: Math.round },
};
export const FUNCTION_NAMES = Object.keys(functions);

interface Token {
  kind: 'num' | 'str' | 'id' | 'op' | 'end';
  text: string;
  pos: number;
}

const OPERATORS = [
  '&&',
  '||',
  '==',
  '!=',
  '<=',
  '>=',
  '**',
  '<',
  '>',
  '+',
  '-',
  '*',
  '/',
  '%',
  '!',
  '?',
  ':',
  '(',
  ')',
  ',',
];

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const number = /^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?/.exec(source.slice(i));
    if (number) {
      tokens.push({ kind: 'num', text: number[0], pos: i });
      i += number[0].length;
      continue;
    }
    const id = /^[A-Za-z_][A-Za-z0-9_]*/.exec(source.slice(i));
    if (id) {
      tokens.push({ kind: 'id', text: id[0], pos: i });
      i += id[0].length;
      continue;
    }
    if (c === '"' || c === "'") {
      const end = source.indexOf(c, i + 1);
      if (end < 0) throw new ExpressionError('Unclosed string', i);
      tokens.push({ kind: 'str', text: source.slice(i + 1, end), pos: i });
      i = end + 1;
      continue;
    }
    const op = OPERATORS.find((o) => source.startsWith(o, i));
    if (!op) throw new ExpressionError(`Unexpected character "${c}"`, i);
    tokens.push({ kind: 'op', text: op, pos: i });
    i += op.length;
  }
  tokens.push({ kind: 'end', text: '', pos: source.length });
  return tokens;
}

const BINARY_LEVELS: string[][] = [['||'], ['&&'], ['==', '!='], ['<', '<=', '>', '>='], ['+', '-'], ['*', '/', '%']];

function parse(source: string): Node {
  if (source.length > MAX_LENGTH)
    throw new ExpressionError(`The expression is longer than ${MAX_LENGTH} characters`, -1);
  const tokens = tokenize(source);
  let at = 0;
  let nodes = 0;
  const peek = () => tokens[at];
  const make = <N extends Node>(node: N): N => {
    if (++nodes > MAX_NODES) throw new ExpressionError(`The expression has more than ${MAX_NODES} parts`, node.pos);
    return node;
  };
  const expect = (text: string) => {
    const t = peek();
    if (t.text !== text)
      throw new ExpressionError(
        t.kind === 'end' ? `Expected "${text}" but the expression ended` : `Expected "${text}" but found "${t.text}"`,
        t.pos,
      );
    at++;
  };

  const expression = (depth: number): Node => {
    if (depth > MAX_DEPTH) throw new ExpressionError('The expression is nested too deeply', peek().pos);
    const test = binary(0, depth);
    if (peek().text !== '?') return test;
    const pos = peek().pos;
    at++;
    const then = expression(depth + 1);
    expect(':');
    return make({ type: 'cond', test, then, else: expression(depth + 1), pos });
  };
  const binary = (level: number, depth: number): Node => {
    if (level === BINARY_LEVELS.length) return unary(depth);
    let left = binary(level + 1, depth);
    while (peek().kind === 'op' && BINARY_LEVELS[level].includes(peek().text)) {
      const { text: op, pos } = tokens[at++];
      left = make({ type: 'binary', op, left, right: binary(level + 1, depth), pos });
    }
    return left;
  };
  const unary = (depth: number): Node => {
    const t = peek();
    if (t.kind === 'op' && (t.text === '-' || t.text === '!')) {
      at++;
      return make({ type: 'unary', op: t.text, arg: unary(depth + 1), pos: t.pos });
    }
    const base = primary(depth);
    if (peek().text === '**') {
      const pos = tokens[at++].pos;
      return make({ type: 'binary', op: '**', left: base, right: unary(depth + 1), pos });
    }
    return base;
  };
  const primary = (depth: number): Node => {
    const t = tokens[at++];
    if (t.kind === 'num') return make({ type: 'num', value: Number(t.text), pos: t.pos });
    if (t.kind === 'str') return make({ type: 'str', value: t.text, pos: t.pos });
    if (t.kind === 'id') {
      if (t.text === 'true' || t.text === 'false') return make({ type: 'bool', value: t.text === 'true', pos: t.pos });
      if (peek().text === '(') {
        at++;
        const args: Node[] = [];
        if (peek().text !== ')') {
          args.push(expression(depth + 1));
          while (peek().text === ',') {
            at++;
            args.push(expression(depth + 1));
          }
        }
        expect(')');
        return make({ type: 'call', name: t.text, args, pos: t.pos });
      }
      return make({ type: 'var', name: t.text, pos: t.pos });
    }
    if (t.text === '(') {
      const inner = expression(depth + 1);
      expect(')');
      return inner;
    }
    throw new ExpressionError(t.kind === 'end' ? 'The expression ended too early' : `Unexpected "${t.text}"`, t.pos);
  };

  const root = expression(0);
  if (peek().kind !== 'end')
    throw new ExpressionError(`Unexpected "${peek().text}" after the end of the expression`, peek().pos);
  return root;
}

function closest(name: string, candidates: readonly string[]): string | undefined {
  const distance = (a: string, b: string) => {
    const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
    for (let j = 1; j <= b.length; j++) d[0][j] = j;
    for (let i = 1; i <= a.length; i++)
      for (let j = 1; j <= b.length; j++)
        d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    return d[a.length][b.length];
  };
  const best = candidates.map((c) => ({ c, d: distance(name, c) })).sort((x, y) => x.d - y.d)[0];
  return best && best.d <= Math.max(2, Math.floor(name.length / 3)) ? best.c : undefined;
}

/** Checks names and arities against what the evaluator will provide, so errors appear while editing. */
function check(node: Node, variables: readonly string[], used: Set<string>): void {
  switch (node.type) {
    case 'var': {
      if (!variables.includes(node.name)) {
        const hint = closest(node.name, variables);
        throw new ExpressionError(
          `Unknown variable "${node.name}"${hint ? `; did you mean "${hint}"?` : ''}`,
          node.pos,
        );
      }
      used.add(node.name);
      return;
    }
    case 'call': {
      const f = Object.hasOwn(functions, node.name) ? functions[node.name] : undefined;
      if (!f)
        throw new ExpressionError(`Unknown function "${node.name}"; known: ${FUNCTION_NAMES.join(', ')}`, node.pos);
      if (node.args.length < f.arity[0] || node.args.length > f.arity[1])
        throw new ExpressionError(
          `${node.name}() takes ${f.arity[0] === f.arity[1] ? f.arity[0] : `${f.arity[0]} to ${f.arity[1]}`} argument(s)`,
          node.pos,
        );
      node.args.forEach((a) => check(a, variables, used));
      return;
    }
    case 'unary':
      return check(node.arg, variables, used);
    case 'binary':
      check(node.left, variables, used);
      return check(node.right, variables, used);
    case 'cond':
      check(node.test, variables, used);
      check(node.then, variables, used);
      return check(node.else, variables, used);
    default:
      return;
  }
}

function toNumber(value: Value, pos: number): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  throw new ExpressionError(`A text value ("${value}") cannot be used as a number`, pos);
}

function truthy(value: Value): boolean {
  return typeof value === 'string' ? value.length > 0 : value !== 0 && value !== false;
}

function evaluate(node: Node, vars: Readonly<Record<string, Value>>): Value {
  switch (node.type) {
    case 'num':
    case 'str':
    case 'bool':
      return node.value;
    case 'var': {
      const value = Object.hasOwn(vars, node.name) ? vars[node.name] : undefined;
      if (value === undefined) throw new ExpressionError(`No value for variable "${node.name}"`, node.pos);
      return value;
    }
    case 'unary': {
      const v = evaluate(node.arg, vars);
      return node.op === '!' ? !truthy(v) : -toNumber(v, node.pos);
    }
    case 'cond':
      return truthy(evaluate(node.test, vars)) ? evaluate(node.then, vars) : evaluate(node.else, vars);
    case 'call':
      return functions[node.name].fn(...node.args.map((a) => toNumber(evaluate(a, vars), a.pos)));
    case 'binary': {
      if (node.op === '&&') return truthy(evaluate(node.left, vars)) && truthy(evaluate(node.right, vars));
      if (node.op === '||') return truthy(evaluate(node.left, vars)) || truthy(evaluate(node.right, vars));
      const l = evaluate(node.left, vars);
      const r = evaluate(node.right, vars);
      if (node.op === '==')
        return typeof l === 'string' || typeof r === 'string'
          ? l === r
          : toNumber(l, node.pos) === toNumber(r, node.pos);
      if (node.op === '!=')
        return typeof l === 'string' || typeof r === 'string'
          ? l !== r
          : toNumber(l, node.pos) !== toNumber(r, node.pos);
      const a = toNumber(l, node.left.pos);
      const b = toNumber(r, node.right.pos);
      switch (node.op) {
        case '<':
          return a < b;
        case '<=':
          return a <= b;
        case '>':
          return a > b;
        case '>=':
          return a >= b;
        case '+':
          return a + b;
        case '-':
          return a - b;
        case '*':
          return a * b;
        case '/':
          return a / b;
        case '%':
          return a % b;
        case '**':
          return a ** b;
      }
      throw new ExpressionError(`Unknown operator ${node.op}`, node.pos);
    }
  }
}

export interface CompiledExpression {
  source: string;
  /** The variables the expression reads. */
  variables: string[];
  /** Evaluates to a finite number (true/false count as 1/0). */
  evaluate(vars: Readonly<Record<string, Value>>): number;
}

/** The checked tree of an expression, for translating a spec into another language (the exported reward.py). */
export function parseExpression(source: string, knownVariables: readonly string[]): ExpressionNode {
  const tree = parse(source);
  check(tree, knownVariables, new Set());
  return tree;
}

export function compileExpression(source: string, knownVariables: readonly string[]): CompiledExpression {
  const tree = parse(source);
  const used = new Set<string>();
  check(tree, knownVariables, used);
  return {
    source,
    variables: [...used],
    evaluate(vars) {
      const value = toNumber(evaluate(tree, vars), 0);
      if (!Number.isFinite(value)) throw new ExpressionError(`The reward is not a finite number (${value})`, -1);
      return value;
    },
  };
}
