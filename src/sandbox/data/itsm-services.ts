/**
 * ITSM services (服务) the sandbox offers. Fixed, not random: clients look them up by name. The
 * built-in approval service is what `fast_approval: true` tickets use.
 */

export type ItsmServiceType = 'change' | 'event' | 'request' | 'question';

export interface SbItsmService {
  id: number;
  name: string;
  desc: string;
  service_type: ItsmServiceType;
  catalog_id: number;
  flow_id: number;
}

export const BUILTIN_APPROVAL_SERVICE_ID = 1;

export function seedItsmServices(): SbItsmService[] {
  return [
    {
      id: BUILTIN_APPROVAL_SERVICE_ID,
      name: '内置审批服务',
      desc: 'built-in approval (fast_approval)',
      service_type: 'request',
      catalog_id: 1,
      flow_id: 11,
    },
    {
      id: 17,
      name: 'bk-graph job approval',
      desc: 'Approve a JOB execution requested through bk-graph',
      service_type: 'request',
      catalog_id: 2,
      flow_id: 61,
    },
    {
      id: 18,
      name: '通用审批',
      desc: 'General approval',
      service_type: 'request',
      catalog_id: 2,
      flow_id: 62,
    },
    { id: 21, name: '变更发布', desc: 'Release change', service_type: 'change', catalog_id: 3, flow_id: 71 },
    { id: 31, name: '故障上报', desc: 'Incident report', service_type: 'event', catalog_id: 4, flow_id: 81 },
    { id: 41, name: '咨询', desc: 'Ask a question', service_type: 'question', catalog_id: 5, flow_id: 91 },
  ];
}
