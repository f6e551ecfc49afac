// Assembles the GraphQL schema: each domain file adds its types and fields to the one builder.
import { builder } from '../builder.js';
import './scalars.js';
import './seat.js';
import './body.js';
import './post.js';
import './organization.js';
import './revision.js';
import './diff.js';
import './amendment.js';
import './provision.js';
import './live.js';
import './proposal.js';

export const schema = builder.toSchema({ sortSchema: false });
