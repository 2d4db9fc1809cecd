// tf.variable names must be unique per engine, and teacher, student, critics and heads reuse
// parameter names: every variable gets its name with a counter.
let counter = 0;

export function uniqueVariableName(name: string): string {
  return `${name}#${counter++}`;
}
