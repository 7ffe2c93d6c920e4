import { z } from 'zod';

/** Shared field builders so every paged tool describes paging the same way. */
export const page = () => z.number().int().min(1).default(1).describe('Page');

/** The range is in the schema (minimum/maximum); the text does not repeat it. */
export const limit = (dflt: number, max: number) =>
  z.number().int().min(1).max(max).default(dflt).describe('Page size');
