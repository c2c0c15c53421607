// The Prometheus registry of one kagentd and the metric families it exports.
// Made once at start-up and shared (std::shared_ptr) with the HTTP server, the
// job supervisor (and through it every job actor) and the persistence actor;
// each updates its own families where the event happens.
#pragma once

#include <memory>
#include <string>

#include <prometheus/registry.h>

#include "metrics/build_info.hpp"
#include "metrics/database_metrics.hpp"
#include "metrics/http_metrics.hpp"
#include "metrics/job_metrics.hpp"
#include "metrics/state_view.hpp"

namespace kagent::metrics {

/// The registry and its families; every member is safe to use from any thread.
class registry {
public:
  /// Registers every family, kagent_build_info with `build`'s labels.
  explicit registry(const build_facts& build = this_build());

  registry(const registry&) = delete;
  registry& operator=(const registry&) = delete;

  http_metrics& http() { return http_; }
  job_metrics& jobs() { return jobs_; }
  database_metrics& database() { return database_; }

  /// The text exposition (format 0.0.4) of every family plus `state`'s.
  std::string exposition(const state_view& state) const;

private:
  std::shared_ptr<prometheus::Registry> registry_;
  http_metrics http_;
  job_metrics jobs_;
  database_metrics database_;
};

/// The registry to hand to actors and servers; one per process in kagentd,
/// one per test elsewhere.
using registry_ptr = std::shared_ptr<registry>;

/// `r`, or a fresh registry no one scrapes when `r` is null (tests that do
/// not look at metrics need not make one).
registry_ptr or_private(registry_ptr r);

} // namespace kagent::metrics
