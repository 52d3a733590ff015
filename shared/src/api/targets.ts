// JSON of the targets and credentials API (secrets always masked).

export interface PublicCredential {
  id: string;
  name: string;
  version: 'v1' | 'v2c' | 'v3';
  community: string | null;
  user: string | null;
  authProtocol: string | null;
  authKey: string | null;
  privProtocol: string | null;
  privKey: string | null;
  /** How many targets use it (in listings). */
  targets?: number;
}

export interface PublicTarget {
  id: string;
  address: string;
  port: number;
  comment: string | null;
  credential: PublicCredential | null;
  createdAt: string;
  updatedAt: string;
}

export interface ImportReport {
  created: number;
  updated: number;
  unchanged: number;
  /** Lines that repeated an address given earlier in the same text. */
  duplicates: number;
  credentialsCreated: number;
  errors: { line: number; reason: string }[];
}
