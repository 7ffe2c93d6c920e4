/** Row types for companies and contacts and their contract shapes (§2.1.1). */
import { isRecord, readJson } from '../util/json.js';

export interface CompanyRow {
  id: number;
  org_id: string;
  name: string;
  description: string | null;
  domain: string | null;
  website: string | null;
  industry: string | null;
  industry_group: string | null;
  employee_count: string | null;
  revenue: string | null;
  founded_year: number | null;
  phone: string | null;
  address: string | null;
  city: string | null;
  state: string | null;
  zip: string | null;
  country: string | null;
  linkedin_url: string | null;
  linkedin_followers: string | null;
  facebook_url: string | null;
  twitter_url: string | null;
  crunchbase_url: string | null;
  logo_url: string | null;
  meta_data: string | null;
  custom_fields: string | null;
  lifecycle_stage: string | null;
  status: string | null;
  custom_status: string | null;
  subscription_status: string | null;
  mrr_cents: number | null;
  owner_id: number | null;
  created_at: string;
  updated_at: string;
  /** Joined: users.name of owner_id. */
  owner_name?: string | null;
}

export interface ContactRow {
  id: number;
  org_id: string;
  first_name: string | null;
  last_name: string | null;
  work_email: string | null;
  personal_emails: string | null;
  direct_phone: string | null;
  mobile_phone: string | null;
  job_title: string | null;
  job_department: string | null;
  seniority_level: string | null;
  linkedin_url: string | null;
  twitter_url: string | null;
  facebook_url: string | null;
  about: string | null;
  confidence_score: number | null;
  city: string | null;
  state: string | null;
  country: string | null;
  company_id: number | null;
  owner_id: number | null;
  meta_data: string | null;
  custom_fields: string | null;
  created_at: string;
  updated_at: string;
  owner_name?: string | null;
}

function objectColumn(text: string | null): Record<string, unknown> {
  const value = readJson<unknown>(text, {});
  return isRecord(value) ? value : {};
}

/** Only set values (§2.1.1): null/empty entries are dropped; `{}` when none are set. */
function customFields(text: string | null, include: boolean): Record<string, unknown> | null {
  if (!include) return null;
  const all = objectColumn(text);
  return Object.fromEntries(Object.entries(all).filter(([, v]) => v !== null && v !== undefined && v !== ''));
}

export function companyListItem(row: CompanyRow, includeCustom: boolean) {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    domain: row.domain,
    website: row.website,
    industry: row.industry,
    employee_count: row.employee_count,
    revenue: row.revenue,
    founded_year: row.founded_year,
    city: row.city,
    state: row.state,
    country: row.country,
    linkedin_url: row.linkedin_url,
    linkedin_followers: row.linkedin_followers,
    logo_url: row.logo_url,
    owner_id: row.owner_id,
    owner_name: row.owner_name ?? null,
    custom_fields: customFields(row.custom_fields, includeCustom),
  };
}

export function companyDetail(row: CompanyRow, includeCustom: boolean, contactCount: number) {
  return {
    ...companyListItem(row, includeCustom),
    phone: row.phone,
    address: row.address,
    zip: row.zip,
    industry_group: row.industry_group,
    facebook_url: row.facebook_url,
    twitter_url: row.twitter_url,
    crunchbase_url: row.crunchbase_url,
    meta_data: objectColumn(row.meta_data),
    contact_count: contactCount,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

export function lifecycleRecord(row: CompanyRow, includeCustom: boolean) {
  return {
    ...companyListItem(row, includeCustom),
    lifecycle_stage: row.lifecycle_stage,
    status: row.status,
    custom_status: row.custom_status,
    subscription_status: row.subscription_status,
    mrr_cents: row.mrr_cents,
  };
}

export function contactListItem(row: ContactRow, includeCustom: boolean) {
  return {
    id: row.id,
    first_name: row.first_name,
    last_name: row.last_name,
    work_email: row.work_email,
    direct_phone: row.direct_phone,
    mobile_phone: row.mobile_phone,
    job_title: row.job_title,
    job_department: row.job_department,
    seniority_level: row.seniority_level,
    linkedin_url: row.linkedin_url,
    city: row.city,
    state: row.state,
    country: row.country,
    company_id: row.company_id,
    owner_id: row.owner_id,
    owner_name: row.owner_name ?? null,
    custom_fields: customFields(row.custom_fields, includeCustom),
  };
}

export function contactDetail(row: ContactRow, includeCustom: boolean, company: CompanyRow | undefined) {
  const { company_id: _companyId, ...base } = contactListItem(row, includeCustom);
  const personal = readJson<unknown>(row.personal_emails, []);
  return {
    ...base,
    full_name: [row.first_name, row.last_name].filter(Boolean).join(' ') || null,
    personal_emails: Array.isArray(personal) ? personal : [],
    twitter_url: row.twitter_url,
    facebook_url: row.facebook_url,
    about: row.about,
    confidence_score: row.confidence_score,
    company: company
      ? {
          id: company.id,
          name: company.name,
          domain: company.domain,
          website: company.website,
          industry: company.industry,
          employee_count: company.employee_count,
          city: company.city,
          state: company.state,
          country: company.country,
          linkedin_url: company.linkedin_url,
          logo_url: company.logo_url,
        }
      : null,
    meta_data: objectColumn(row.meta_data),
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}
