/**
 * Field catalogues per CRM and object, as each vendor names them (HubSpot internal names,
 * Salesforce API names, …), so a client can build push mappings that look like the real thing.
 */
import type { Provider } from './schema.js';

export type EntityType = 'contacts' | 'companies' | 'leads' | 'deals';

interface Field {
  name: string;
  label: string;
  type: string;
  required: boolean;
  custom: boolean;
}

const f = (name: string, label: string, type: string, required = false, custom = false): Field => ({
  name,
  label,
  type,
  required,
  custom,
});

const HUBSPOT: Record<EntityType, Field[]> = {
  contacts: [
    f('email', 'Email', 'string', true),
    f('firstname', 'First Name', 'string'),
    f('lastname', 'Last Name', 'string'),
    f('jobtitle', 'Job Title', 'string'),
    f('phone', 'Phone Number', 'string'),
    f('company', 'Company Name', 'string'),
    f('lifecyclestage', 'Lifecycle Stage', 'enumeration'),
    f('hs_lead_status', 'Lead Status', 'enumeration'),
    f('graph8_lead_score', 'graph8 Lead Score', 'number', false, true),
  ],
  companies: [
    f('name', 'Company Name', 'string', true),
    f('domain', 'Company Domain Name', 'string'),
    f('industry', 'Industry', 'enumeration'),
    f('numberofemployees', 'Number of Employees', 'number'),
    f('annualrevenue', 'Annual Revenue', 'number'),
    f('city', 'City', 'string'),
    f('country', 'Country/Region', 'string'),
    f('graph8_icp_tier', 'graph8 ICP Tier', 'enumeration', false, true),
  ],
  leads: [
    f('hs_lead_name', 'Lead Name', 'string', true),
    f('hs_lead_type', 'Lead Type', 'enumeration'),
    f('hs_lead_label', 'Lead Label', 'enumeration'),
  ],
  deals: [
    f('dealname', 'Deal Name', 'string', true),
    f('amount', 'Amount', 'number'),
    f('dealstage', 'Deal Stage', 'enumeration', true),
    f('pipeline', 'Pipeline', 'enumeration', true),
    f('closedate', 'Close Date', 'datetime'),
  ],
};

const SALESFORCE: Record<EntityType, Field[]> = {
  contacts: [
    f('LastName', 'Last Name', 'string', true),
    f('FirstName', 'First Name', 'string'),
    f('Email', 'Email', 'email'),
    f('Title', 'Title', 'string'),
    f('Phone', 'Business Phone', 'phone'),
    f('AccountId', 'Account ID', 'reference'),
    f('LeadSource', 'Lead Source', 'picklist'),
    f('Graph8_Score__c', 'graph8 Score', 'double', false, true),
  ],
  companies: [
    f('Name', 'Account Name', 'string', true),
    f('Website', 'Website', 'url'),
    f('Industry', 'Industry', 'picklist'),
    f('NumberOfEmployees', 'Employees', 'int'),
    f('AnnualRevenue', 'Annual Revenue', 'currency'),
    f('BillingCity', 'Billing City', 'string'),
    f('BillingCountry', 'Billing Country', 'string'),
  ],
  leads: [
    f('LastName', 'Last Name', 'string', true),
    f('Company', 'Company', 'string', true),
    f('Email', 'Email', 'email'),
    f('Status', 'Lead Status', 'picklist', true),
  ],
  deals: [
    f('Name', 'Opportunity Name', 'string', true),
    f('StageName', 'Stage', 'picklist', true),
    f('CloseDate', 'Close Date', 'date', true),
    f('Amount', 'Amount', 'currency'),
  ],
};

const GENERIC: Record<EntityType, Field[]> = {
  contacts: [
    f('name', 'Name', 'varchar', true),
    f('email', 'Email', 'varchar'),
    f('phone', 'Phone', 'phone'),
    f('job_title', 'Job title', 'varchar'),
    f('org_id', 'Organization', 'org'),
  ],
  companies: [
    f('name', 'Name', 'varchar', true),
    f('address', 'Address', 'address'),
    f('website', 'Website', 'varchar'),
  ],
  leads: [
    f('title', 'Title', 'varchar', true),
    f('person_id', 'Person', 'people'),
    f('value', 'Value', 'monetary'),
  ],
  deals: [
    f('title', 'Title', 'varchar', true),
    f('value', 'Value', 'monetary'),
    f('stage_id', 'Stage', 'stage', true),
  ],
};

export function fieldsOf(provider: Provider, entity: EntityType): Field[] {
  if (provider === 'hubspot') return HUBSPOT[entity];
  if (provider === 'salesforce') return SALESFORCE[entity];
  return GENERIC[entity];
}
