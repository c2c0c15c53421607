#include "actors/messages.hpp"

#include <caf/actor_system_config.hpp>

namespace kagent {

void add_message_types(caf::actor_system_config& cfg) {
  cfg.add_message_type<job_record>("job_record");
  cfg.add_message_type<job_event>("job_event");
  cfg.add_message_type<std::vector<job_event>>("std::vector<job_event>");
  cfg.add_message_type<job_list>("job_list");
  cfg.add_message_type<resumable_job>("resumable_job");
  cfg.add_message_type<std::vector<resumable_job>>("std::vector<resumable_job>");
  cfg.add_message_type<resume_key>("resume_key");
  cfg.add_message_type<resume_plan>("resume_plan");
  cfg.add_message_type<resume_range>("resume_range");
  cfg.add_message_type<resume_page>("resume_page");
  cfg.add_message_type<stage_outputs>("stage_outputs");
  cfg.add_message_type<checkpoints>("checkpoints");
  cfg.add_message_type<admission_stats>("admission_stats");
  cfg.add_message_type<stage_request>("stage_request");
  cfg.add_message_type<stage_result>("stage_result");
  cfg.add_message_type<hub_replay>("hub_replay");
  cfg.add_message_type<hub_stats>("hub_stats");
  cfg.add_message_type<persistence_stats>("persistence_stats");
  cfg.add_message_type<submit_request>("submit_request");
  cfg.add_message_type<key_store_stats>("key_store_stats");
  cfg.add_message_type<principal>("principal");
  cfg.add_message_type<api_key_entry>("api_key_entry");
  cfg.add_message_type<std::vector<api_key_entry>>("std::vector<api_key_entry>");
  cfg.add_message_type<idempotent_hit>("idempotent_hit");
  cfg.add_message_type<std::vector<job_record>>("std::vector<job_record>");
}

} // namespace kagent
