import { EnvError } from '@hookline/config';
import { loadApiConfig } from '../env';

const KEY = Buffer.alloc(32, 9).toString('base64');

describe('DEFINITION_MAX_BYTES and DIFF_PREVIEW_MAX_BYTES', () => {
  it('default to 50 MiB and 2 MiB, and take a number of bytes', () => {
    expect(loadApiConfig({ SECRETS_KEY: KEY })).toMatchObject({ definitionMaxBytes: 52_428_800, diffPreviewMaxBytes: 2_097_152 });
    expect(loadApiConfig({ SECRETS_KEY: KEY, DEFINITION_MAX_BYTES: '1048576', DIFF_PREVIEW_MAX_BYTES: '4096' })).toMatchObject({ definitionMaxBytes: 1_048_576, diffPreviewMaxBytes: 4096 });
  });

  it('a bad value stops start-up naming the variable', () => {
    for (const [name, value] of [['DEFINITION_MAX_BYTES', '50MB'], ['DIFF_PREVIEW_MAX_BYTES', '10']] as const) {
      let thrown: unknown;
      try {
        loadApiConfig({ SECRETS_KEY: KEY, [name]: value });
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(EnvError);
      expect((thrown as Error).message).toContain(name);
    }
  });
});
