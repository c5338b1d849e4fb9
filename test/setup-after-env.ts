/**
 * Each test starts like a newly started n8n process: no location index kept from an earlier test
 * (the tests replace the sandbox's contacts between tests, which a real API never does).
 */
import { forgetLocationIndexes } from '../nodes/Assistable/resources/contact/directory';

beforeEach(() => forgetLocationIndexes());
