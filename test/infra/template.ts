import { Match, type Template } from 'aws-cdk-lib/assertions';

export type Statement = { Action: string | string[]; Resource: unknown; Effect: string };

/** The statements of the inline policies attached to one role, by its logical id prefix. */
export function roleStatements(template: Template, role: string): Statement[] {
  const policies = template.findResources('AWS::IAM::Policy', {
    Properties: { Roles: [{ Ref: Match.stringLikeRegexp(`^${role}Role`) }] },
  });
  return Object.values(policies).flatMap(
    (p) =>
      (p as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties
        .PolicyDocument.Statement,
  );
}

export const actionsOf = (s: Statement): string[] =>
  Array.isArray(s.Action) ? s.Action : [s.Action];

export function statementFor(statements: Statement[], action: string): Statement | undefined {
  return statements.find((s) => actionsOf(s).includes(action));
}

/** The environment variables of the function whose description matches. */
export function functionEnv(template: Template, description: string): Record<string, unknown> {
  const found = template.findResources('AWS::Lambda::Function', {
    Properties: { Description: Match.stringLikeRegexp(description) },
  });
  const [resource] = Object.values(found) as {
    Properties: { Environment: { Variables: Record<string, unknown> } };
  }[];
  if (!resource) throw new Error(`no function matching ${description}`);
  return resource.Properties.Environment.Variables;
}
