import { describe, expect, it } from 'vitest';
import { cfnLint } from './cfn-lint/cfn-lint';
import { synth, VARIANTS, type VariantName } from './synth';

const variants = Object.keys(VARIANTS) as VariantName[];

describe('cfn-lint', () => {
  it('finds no error in the template of any configuration variant', async () => {
    // Prepare
    const templates = new Map(variants.map((v) => [synth(v).templatePath, v]));

    // Act
    const matches = await cfnLint([...templates.keys()]);
    const errors = matches
      .filter((m) => m.Level === 'Error')
      .map(
        (m) =>
          `${templates.get(m.Filename) ?? m.Filename}: ${m.Rule.Id} ${m.Message} at ${m.Location.Path?.join('/')}`,
      );
    // Warnings do not fail the check; their count by rule is printed for the record.
    const byRule: Record<string, number> = {};
    for (const m of matches.filter((m) => m.Level !== 'Error')) {
      const key = `${m.Level} ${m.Rule.Id}`;
      byRule[key] = (byRule[key] ?? 0) + 1;
    }
    console.log(
      `cfn-lint: ${templates.size} templates, ${errors.length} errors, others by rule ${JSON.stringify(byRule)}`,
    );

    // Assess
    expect(errors).toEqual([]);
  }, 900_000);
});
