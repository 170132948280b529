import { DefinitionError, contentHash, validateDefinition, type DefinitionObject } from '@hookline/definitions';
import { definitionProblem, readDeployment } from './definition-body';

export interface PreparedDeployment {
  version: string;
  specification: string;
  contentHash: string;
  /** The parsed definition as JSON text: what is stored. */
  definition: string;
}

export async function validated(definition: DefinitionObject, prefix = '') {
  try {
    return await validateDefinition(definition);
  } catch (error) {
    if (error instanceof DefinitionError) throw definitionProblem(error, prefix);
    throw error;
  }
}

/** Parse, validate, hash: everything a deploy does before storing. Throws HttpProblem for a bad definition. */
export async function prepareDeployment(text: string, yaml: boolean): Promise<PreparedDeployment> {
  const sent = readDeployment(text, yaml);
  const valid = await validated(sent.definition);
  return {
    version: sent.version ?? valid.version,
    specification: valid.specification,
    contentHash: contentHash(sent.definition),
    definition: JSON.stringify(sent.definition),
  };
}
