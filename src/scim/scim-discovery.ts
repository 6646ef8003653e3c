/** SCIM discovery (RFC 7644 §4): what Roster supports, the resource types and the User schema. */
import { Router } from 'express';
import { MAX_OPERATIONS, MAX_PAYLOAD_SIZE } from './scim-bulk';
import { GROUP_SCHEMA } from './scim-group-resource';
import { send, sendList } from './scim-http';
import { ENTERPRISE_SCHEMA } from './scim-user-properties';
import { USER_SCHEMA } from './scim-user-resource';

function attribute(name: string, type: string, extra: Record<string, unknown> = {}) {
  return {
    name,
    type,
    multiValued: false,
    required: false,
    caseExact: false,
    mutability: 'readWrite',
    returned: 'default',
    uniqueness: 'none',
    ...extra,
  };
}

const USER_SCHEMA_RESOURCE = {
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:Schema'],
  id: USER_SCHEMA,
  name: 'User',
  description: 'A person in the account’s directory.',
  attributes: [
    attribute('userName', 'string', { required: true, uniqueness: 'server' }),
    attribute('externalId', 'string', { caseExact: true }),
    attribute('name', 'complex', {
      subAttributes: [attribute('formatted', 'string'), attribute('givenName', 'string'), attribute('familyName', 'string')],
    }),
    attribute('displayName', 'string'),
    attribute('nickName', 'string'),
    attribute('title', 'string'),
    attribute('preferredLanguage', 'string'),
    attribute('locale', 'string'),
    attribute('timezone', 'string'),
    attribute('emails', 'complex', {
      multiValued: true,
      description: 'Roster keeps one address: the primary, else the work, else the first.',
      subAttributes: [attribute('value', 'string'), attribute('type', 'string'), attribute('primary', 'boolean')],
    }),
    attribute('phoneNumbers', 'complex', {
      multiValued: true,
      description: 'One number per type (work, mobile, home, fax, pager, other).',
      subAttributes: [attribute('value', 'string'), attribute('type', 'string'), attribute('primary', 'boolean')],
    }),
    attribute('addresses', 'complex', {
      multiValued: true,
      description: 'Roster keeps the work address (type work, else the primary, else one without a type).',
      subAttributes: [
        attribute('type', 'string'),
        attribute('formatted', 'string'),
        attribute('streetAddress', 'string'),
        attribute('locality', 'string'),
        attribute('region', 'string'),
        attribute('postalCode', 'string'),
        attribute('country', 'string'),
        attribute('primary', 'boolean'),
      ],
    }),
    attribute('active', 'boolean'),
    attribute('roles', 'complex', {
      multiValued: true,
      description: 'Roster role keys (`editor`, `partner=acme`).',
      subAttributes: [attribute('value', 'string'), attribute('display', 'string', { mutability: 'readOnly' })],
    }),
  ],
  meta: { resourceType: 'Schema', location: '' },
};

const ENTERPRISE_SCHEMA_RESOURCE = {
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:Schema'],
  id: ENTERPRISE_SCHEMA,
  name: 'EnterpriseUser',
  description: 'Enterprise User, kept as the user’s properties of the same names (manager: the manager’s id).',
  attributes: [
    attribute('employeeNumber', 'string'),
    attribute('costCenter', 'string'),
    attribute('organization', 'string'),
    attribute('division', 'string'),
    attribute('department', 'string'),
    attribute('manager', 'complex', {
      subAttributes: [
        attribute('value', 'string'),
        attribute('$ref', 'reference', { referenceTypes: ['User'] }),
        attribute('displayName', 'string', { mutability: 'readOnly' }),
      ],
    }),
  ],
};

const GROUP_SCHEMA_RESOURCE = {
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:Schema'],
  id: GROUP_SCHEMA,
  name: 'Group',
  description: 'A group of the directory (All Users is read-only; Default cannot be deleted).',
  attributes: [
    attribute('displayName', 'string', { required: true, uniqueness: 'server' }),
    attribute('externalId', 'string', { caseExact: true }),
    attribute('members', 'complex', {
      multiValued: true,
      subAttributes: [
        attribute('value', 'string', { mutability: 'immutable' }),
        attribute('$ref', 'reference', { mutability: 'readOnly', referenceTypes: ['User'] }),
        attribute('display', 'string', { mutability: 'readOnly' }),
        attribute('type', 'string', { mutability: 'readOnly' }),
      ],
    }),
  ],
};

/** The discovery endpoints under the SCIM base. */
export function discoveryRoutes(baseUrl: string): Router {
  const router = Router();
  router.get('/ServiceProviderConfig', (_req, res) =>
    send(res, 200, {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'],
      patch: { supported: true },
      bulk: { supported: true, maxOperations: MAX_OPERATIONS, maxPayloadSize: MAX_PAYLOAD_SIZE },
      filter: { supported: true, maxResults: 200 },
      changePassword: { supported: false },
      sort: { supported: true },
      etag: { supported: true },
      authenticationSchemes: [
        {
          type: 'oauthbearertoken',
          name: 'Bearer token',
          description: 'The account’s SCIM token from `/users scim-token` (rs_…).',
          primary: true,
        },
      ],
      meta: { resourceType: 'ServiceProviderConfig', location: `${baseUrl}/ServiceProviderConfig` },
    }),
  );
  const userType = {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'],
    id: 'User',
    name: 'User',
    endpoint: '/Users',
    schema: USER_SCHEMA,
    schemaExtensions: [{ schema: ENTERPRISE_SCHEMA, required: false }],
    meta: { resourceType: 'ResourceType', location: `${baseUrl}/ResourceTypes/User` },
  };
  const groupType = {
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:ResourceType'],
    id: 'Group',
    name: 'Group',
    endpoint: '/Groups',
    schema: GROUP_SCHEMA,
    meta: { resourceType: 'ResourceType', location: `${baseUrl}/ResourceTypes/Group` },
  };
  const types = [userType, groupType];
  router.get('/ResourceTypes', (_req, res) => sendList(res, 1, types.length, types));
  router.get('/ResourceTypes/:id', (req, res, next) => {
    const type = types.find((t) => t.id === req.params.id);
    return type ? send(res, 200, type) : next();
  });
  const schemas = [USER_SCHEMA_RESOURCE, ENTERPRISE_SCHEMA_RESOURCE, GROUP_SCHEMA_RESOURCE].map((schema) => ({
    ...schema,
    meta: { resourceType: 'Schema', location: `${baseUrl}/Schemas/${schema.id}` },
  }));
  router.get('/Schemas', (_req, res) => sendList(res, 1, schemas.length, schemas));
  router.get('/Schemas/:id', (req, res, next) => {
    const schema = schemas.find((s) => s.id === req.params.id);
    return schema ? send(res, 200, schema) : next();
  });
  return router;
}
