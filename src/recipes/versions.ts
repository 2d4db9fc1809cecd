// The Python packages the exported recipes were tested with (CI installs the same pins from
// recipes/requirements.txt; a Vitest test keeps the two in step).
export const PINS = {
  torch: '2.15.0',
  transformers: '5.24.0',
  trl: '1.16.0',
  accelerate: '1.15.0',
  datasets: '5.2.0',
  pyyaml: '6.0.4',
} as const;

export const TESTED_WITH = Object.entries(PINS)
  .map(([name, version]) => `${name} ${version}`)
  .join(', ');

export const REQUIREMENTS =
  Object.entries(PINS)
    .map(([name, version]) => `${name}==${version}`)
    .join('\n') + '\n';
