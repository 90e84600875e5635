/** ITSM wire shapes (CONTRACTS.md §7). Datetimes are `"YYYY-MM-DD HH:MM:SS"` in the platform's zone. */

export interface WireOperation {
  key: string;
  name?: string;
  can_operate?: boolean;
}

export interface WireStep {
  name?: string;
  state_id?: number | string;
  status?: string;
  processors?: string | null;
  operations?: WireOperation[] | null;
}

export interface WireTicketStatus {
  current_status: string;
  current_steps?: WireStep[] | null;
  operations?: WireOperation[] | null;
  ticket_url?: string | null;
}

export interface WireTicketInfo {
  id: number;
  sn: string;
  title?: string;
  service_id?: number | null;
  create_at?: string | null;
  current_status: string;
  updated_by?: string | null;
  update_at?: string | null;
  end_at?: string | null;
  creator?: string | null;
  fields?: { key: string; name?: string; value?: unknown; display_value?: string | null }[] | null;
}

export interface WireApprovalResult {
  sn: string;
  title?: string;
  ticket_url?: string | null;
  current_status: string;
  updated_by?: string | null;
  update_at?: string | null;
  approve_result?: boolean | null;
}

export interface WireService {
  id: number;
  name?: string;
  desc?: string | null;
  service_type?: string | null;
}

export interface WireCreatedTicket {
  sn: string;
  id: number;
  ticket_url?: string | null;
}
