import type { Credentials } from '../upstream/credentials';

export type { Credentials };

/** Who is calling, once the front door has verified it. */
export interface Identity {
  readonly username: string;
  readonly displayName?: string;
  readonly tenantId: string | null;
  readonly language?: string;
  readonly credentials: Credentials;
}
