// The reward expression's types and value ranges, checked before a spec is saved or run: every value an
// expression computes is followed as an interval over what its variables can hold, so a division by a value that
// can be 0, the log of a value that can be ≤ 0, a variable that can be absent, or text used as a number is
// reported with its position instead of failing at scoring, after a step's rollouts.
import { ExpressionError, type ExpressionNode } from './expression';

/** What a variable can hold. */
export interface VariableDomain {
  type: 'number' | 'boolean' | 'string';
  lo: number;
  hi: number;
  /** Whole numbers only (counts): `x > 0` then means `x ≥ 1`. */
  integer?: boolean;
  /** Set when the variable has a value only on some trajectories, and the guard variable that says so. */
  presentWhen?: string;
  /** A boolean that tells another variable's range: `searched` is true exactly when `searches` ≥ 1. */
  tells?: { variable: string; whenTrue: [number, number]; whenFalse: [number, number] };
}

type Abstract = { type: 'number' | 'boolean' | 'string'; lo: number; hi: number };
type Env = ReadonlyMap<string, VariableDomain>;

const number = (lo: number, hi: number): Abstract => ({ type: 'number', lo, hi });
const BOOLEAN: Abstract = { type: 'boolean', lo: 0, hi: 1 };
const fmt = (v: number) => (Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(4))));
const range = (a: Abstract) => (a.lo === a.hi ? `it is ${fmt(a.lo)}` : `it ranges from ${fmt(a.lo)} to ${fmt(a.hi)}`);

/** The expression's text again, for messages. */
function show(node: ExpressionNode): string {
  switch (node.type) {
    case 'num':
      return String(node.value);
    case 'str':
      return JSON.stringify(node.value);
    case 'bool':
      return String(node.value);
    case 'var':
      return node.name;
    case 'unary':
      return `${node.op}${show(node.arg)}`;
    case 'binary':
      return `${show(node.left)} ${node.op} ${show(node.right)}`;
    case 'cond':
      return `${show(node.test)} ? ${show(node.then)} : ${show(node.else)}`;
    case 'call':
      return `${node.name}(${node.args.map(show).join(', ')})`;
  }
}

/** Where a part's text starts (a binary node's own position is its operator's). */
function start(node: ExpressionNode): number {
  if (node.type === 'binary') return Math.min(node.pos, start(node.left));
  if (node.type === 'cond') return Math.min(node.pos, start(node.test));
  return node.pos;
}

const asNumber = (value: Abstract, node: ExpressionNode): Abstract => {
  if (value.type === 'string')
    throw new ExpressionError(`"${show(node)}" is text and cannot be used as a number`, start(node));
  return value;
};

function span(values: number[]): Abstract {
  return number(Math.min(...values), Math.max(...values));
}

/** Narrows the variables a test is about, on the branch where the test is true (`holds`) or false. */
function refine(test: ExpressionNode, env: Env, holds: boolean): Env {
  if (test.type === 'unary' && test.op === '!') return refine(test.arg, env, !holds);
  if (test.type === 'binary' && ((test.op === '&&' && holds) || (test.op === '||' && !holds)))
    return refine(test.right, refine(test.left, env, holds), holds);
  const next = new Map(env);
  if (test.type === 'var') {
    const guarded = [...env].filter(([, d]) => d.presentWhen === test.name);
    for (const [name, d] of guarded) if (holds) next.set(name, { ...d, presentWhen: undefined });
    const tells = env.get(test.name)?.tells;
    if (tells) narrow(next, tells.variable, ...(holds ? tells.whenTrue : tells.whenFalse));
    return next;
  }
  if (test.type === 'binary' && ['<', '<=', '>', '>=', '==', '!='].includes(test.op)) {
    const [name, op, bound] =
      test.left.type === 'var' && test.right.type === 'num'
        ? [test.left.name, test.op, test.right.value]
        : test.right.type === 'var' && test.left.type === 'num'
          ? [
              test.right.name,
              ({ '<': '>', '<=': '>=', '>': '<', '>=': '<=' } as Record<string, string>)[test.op] ?? test.op,
              test.left.value,
            ]
          : [null, '', 0];
    if (name === null || env.get(name)?.type === 'string') return env;
    const integer = env.get(name)?.integer === true;
    const above = integer ? Math.floor(bound) + 1 : bound;
    const below = integer ? Math.ceil(bound) - 1 : bound;
    const effective = holds
      ? op
      : ({ '<': '>=', '<=': '>', '>': '<=', '>=': '<', '==': '!=', '!=': '==' } as Record<string, string>)[op];
    if (effective === '>') narrow(next, name, above, Infinity, bound);
    else if (effective === '>=') narrow(next, name, bound, Infinity);
    else if (effective === '<') narrow(next, name, -Infinity, below, undefined, bound);
    else if (effective === '<=') narrow(next, name, -Infinity, bound);
    else if (effective === '==') narrow(next, name, bound, bound);
    else if (effective === '!=') {
      // Only an excluded end point narrows an interval (x != 0 where x ≥ 0 means x > 0).
      const d = env.get(name);
      if (d && d.lo === bound) narrow(next, name, integer ? bound + 1 : bound, Infinity, bound);
      if (d && d.hi === bound) narrow(next, name, -Infinity, integer ? bound - 1 : bound, undefined, bound);
    }
  }
  return next;
}

/** `exclusiveLo`/`exclusiveHi`: a real-valued bound that is itself excluded, kept just inside so that 0 is not in x > 0. */
function narrow(
  env: Map<string, VariableDomain>,
  name: string,
  lo: number,
  hi: number,
  exclusiveLo?: number,
  exclusiveHi?: number,
): void {
  const d = env.get(name);
  if (!d) return;
  const newLo =
    exclusiveLo !== undefined && lo === exclusiveLo
      ? exclusiveLo + Number.EPSILON * Math.max(1, Math.abs(exclusiveLo))
      : lo;
  const newHi =
    exclusiveHi !== undefined && hi === exclusiveHi
      ? exclusiveHi - Number.EPSILON * Math.max(1, Math.abs(exclusiveHi))
      : hi;
  env.set(name, { ...d, lo: Math.max(d.lo, newLo), hi: Math.min(d.hi, newHi) });
}

function walk(node: ExpressionNode, env: Env): Abstract {
  switch (node.type) {
    case 'num':
      return number(node.value, node.value);
    case 'bool':
      return BOOLEAN;
    case 'str':
      return { type: 'string', lo: 0, hi: 0 };
    case 'var': {
      const d = env.get(node.name);
      if (!d) throw new ExpressionError(`Unknown variable "${node.name}"`, node.pos);
      if (d.presentWhen)
        throw new ExpressionError(
          `"${node.name}" has a value only where ${d.presentWhen} is true (no ${node.name} is recorded otherwise); ` +
            `write ${d.presentWhen} ? … ${node.name} … : …`,
          node.pos,
        );
      // An empty interval means a branch that cannot be taken: nothing in it can fail.
      return { type: d.type, lo: d.lo, hi: d.hi };
    }
    case 'unary': {
      if (node.op === '!') return (walk(node.arg, env), BOOLEAN);
      const a = asNumber(walk(node.arg, env), node.arg);
      return number(-a.hi, -a.lo);
    }
    case 'cond': {
      walk(node.test, env);
      const whenTrue = refine(node.test, env, true);
      const whenFalse = refine(node.test, env, false);
      const branches = [
        ...(reachable(whenTrue) ? [walk(node.then, whenTrue)] : []),
        ...(reachable(whenFalse) ? [walk(node.else, whenFalse)] : []),
      ];
      if (branches.length === 0) return number(0, 0);
      if (branches.some((b) => b.type === 'string') && !branches.every((b) => b.type === 'string'))
        throw new ExpressionError(`"${show(node)}" is text on one branch and a number on the other`, start(node));
      return {
        type: branches[0].type,
        lo: Math.min(...branches.map((b) => b.lo)),
        hi: Math.max(...branches.map((b) => b.hi)),
      };
    }
    case 'call':
      return callDomain(node, env);
    case 'binary':
      return binaryDomain(node, env);
  }
}

const reachable = (env: Env) => [...env.values()].every((d) => d.lo <= d.hi);

function binaryDomain(node: Extract<ExpressionNode, { type: 'binary' }>, env: Env): Abstract {
  if (node.op === '&&' || node.op === '||') {
    walk(node.left, env);
    // The right side runs only where the left side let it through.
    const rightEnv = refine(node.left, env, node.op === '&&');
    if (reachable(rightEnv)) walk(node.right, rightEnv);
    return BOOLEAN;
  }
  const l = walk(node.left, env);
  const r = walk(node.right, env);
  if (node.op === '==' || node.op === '!=') {
    if ((l.type === 'string') !== (r.type === 'string'))
      throw new ExpressionError(
        `"${show(node)}" compares text with a number; it is always ${node.op === '!='}`,
        start(node),
      );
    return BOOLEAN;
  }
  const a = asNumber(l, node.left);
  const b = asNumber(r, node.right);
  const corners = (f: (x: number, y: number) => number) =>
    span([f(a.lo, b.lo), f(a.lo, b.hi), f(a.hi, b.lo), f(a.hi, b.hi)].map((v) => (Number.isNaN(v) ? 0 : v)));
  switch (node.op) {
    case '<':
    case '<=':
    case '>':
    case '>=':
      return BOOLEAN;
    case '+':
      return number(a.lo + b.lo, a.hi + b.hi);
    case '-':
      return number(a.lo - b.hi, a.hi - b.lo);
    case '*':
      return corners((x, y) => x * y);
    case '/':
    case '%': {
      const what = node.op === '/' ? 'Division' : 'Remainder';
      if (b.lo === 0 && b.hi === 0)
        throw new ExpressionError(`${what} by "${show(node.right)}", which is 0`, start(node.right));
      if (b.lo <= 0 && b.hi >= 0)
        throw new ExpressionError(
          `${what} by "${show(node.right)}", which can be 0 (${range(b)}); guard it (… > 0 ? … : 0) or use max(${show(node.right)}, 1)`,
          start(node.right),
        );
      if (node.op === '%') {
        const m = Math.max(Math.abs(b.lo), Math.abs(b.hi));
        return number(a.lo < 0 ? -m : 0, a.hi > 0 ? m : 0);
      }
      return corners((x, y) => x / y);
    }
    case '**': {
      const integerPower = b.lo === b.hi && Number.isInteger(b.lo);
      if (a.lo < 0 && !integerPower)
        throw new ExpressionError(
          `"${show(node.left)}" can be negative (${range(a)}), and a negative number to a fractional power is not a number`,
          start(node.left),
        );
      if (a.lo <= 0 && a.hi >= 0 && b.lo < 0)
        throw new ExpressionError(
          `"${show(node.left)}" can be 0 (${range(a)}), and 0 to a negative power divides by 0`,
          start(node.left),
        );
      const bases = a.lo < 0 && a.hi > 0 ? [a.lo, 0, a.hi] : [a.lo, a.hi];
      const values = bases.flatMap((x) => [b.lo, b.hi].map((y) => x ** y));
      return span(a.lo < 0 ? [...values, ...values.map((v) => -v)] : values);
    }
  }
  throw new ExpressionError(`Unknown operator ${node.op}`, node.pos);
}

function callDomain(node: Extract<ExpressionNode, { type: 'call' }>, env: Env): Abstract {
  const args = node.args.map((arg) => asNumber(walk(arg, env), arg));
  const [x] = args;
  const positive = (strict: boolean, what: string) => {
    if (strict ? x.lo <= 0 : x.lo < 0)
      throw new ExpressionError(
        `${node.name}() of "${show(node.args[0])}", which can be ${strict ? '≤ 0' : 'negative'} (${range(x)}), is not a number; ${what}`,
        start(node.args[0]),
      );
  };
  switch (node.name) {
    case 'min':
      return number(Math.min(...args.map((v) => v.lo)), Math.min(...args.map((v) => v.hi)));
    case 'max':
      return number(Math.max(...args.map((v) => v.lo)), Math.max(...args.map((v) => v.hi)));
    case 'abs':
      return x.lo >= 0 ? x : x.hi <= 0 ? number(-x.hi, -x.lo) : number(0, Math.max(-x.lo, x.hi));
    case 'clip': {
      const [, lo, hi] = args;
      return number(Math.min(hi.lo, Math.max(lo.lo, x.lo)), Math.min(hi.hi, Math.max(lo.hi, x.hi)));
    }
    case 'log':
      positive(true, `use log(max(${show(node.args[0])}, 1e-6)) or guard it`);
      return number(Math.log(x.lo), Math.log(x.hi));
    case 'sqrt':
      positive(false, `use sqrt(max(${show(node.args[0])}, 0))`);
      return number(Math.sqrt(x.lo), Math.sqrt(x.hi));
    case 'exp':
      return number(Math.exp(x.lo), Math.exp(x.hi));
    case 'floor':
      return number(Math.floor(x.lo), Math.floor(x.hi));
    case 'ceil':
      return number(Math.ceil(x.lo), Math.ceil(x.hi));
    case 'round':
      return number(Math.round(x.lo), Math.round(x.hi));
  }
  throw new ExpressionError(`Unknown function "${node.name}"`, node.pos);
}

/**
 * Checks an expression against its variables' domains; throws an ExpressionError with the position of the first
 * part that can fail: text used as a number, a division by a value that can be 0, log of a value that can be ≤ 0,
 * a variable that can be absent, or a reward that can be infinite.
 */
export function checkDomains(tree: ExpressionNode, variables: Env): void {
  const result = walk(tree, variables);
  if (result.type === 'string') throw new ExpressionError('The reward is text; it must be a number', start(tree));
  if (!Number.isFinite(result.lo) || !Number.isFinite(result.hi))
    throw new ExpressionError(
      `The reward can be infinite (${range(result)}) for the values its variables can take`,
      start(tree),
    );
}
