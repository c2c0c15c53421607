// The shapes of a restart's background resume (issue 13): what is left to
// resume, which slice of it to read next, and one page of it. Jobs are read
// oldest first by (created_at, id), the order they were accepted in.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <caf/meta/type_name.hpp>

#include "core/job.hpp"

namespace kagent {

/// A position in (created_at, id) order; created_us is exact (PostgreSQL's
/// timestamptz resolution), so a page never repeats or skips a row.
struct resume_key {
  int64_t created_us = 0;
  std::string id;  ///< "" before the first row
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, resume_key& x) {
  return f(caf::meta::type_name("resume_key"), x.created_us, x.id);
}

/// The unfinished jobs found at start: their number, per owner (for the
/// queue limits), and the last of them. Jobs accepted after this snapshot
/// sort after `last` and are never read as resumable.
struct resume_plan {
  int64_t total = 0;
  std::map<std::string, int64_t> by_owner;
  resume_key last;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, resume_plan& x) {
  return f(caf::meta::type_name("resume_plan"), x.total, x.by_owner, x.last);
}

/// Up to `limit` unfinished jobs after `after`, up to and including `last`.
struct resume_range {
  resume_key after;
  resume_key last;
  int64_t limit = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, resume_range& x) {
  return f(caf::meta::type_name("resume_range"), x.after, x.last, x.limit);
}

/// One page, oldest first; `end` is the key of its last job.
struct resume_page {
  std::vector<resumable_job> jobs;
  resume_key end;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, resume_page& x) {
  return f(caf::meta::type_name("resume_page"), x.jobs, x.end);
}

} // namespace kagent
