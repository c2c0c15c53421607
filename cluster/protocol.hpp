// What crosses the wire between a head and its workers (docs/ARCHITECTURE.md, the cluster): plain
// structs with inspect() and typed actor interfaces, so a head and a worker
// that disagree on a message do not compile, and the join refuses a peer
// built from another protocol version at run time.
//
//   worker -> head   head_actor:   join, heartbeat, stage events, file chunks
//   head -> worker   worker_actor: run a stage attempt, cancel a job's stage
//
// A worker pulls the competition files it lacks, one bounded chunk at a
// time, and keeps them by content hash; the head's secrets, database and
// mirrors never leave the head.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <caf/atom.hpp>
#include <caf/fwd.hpp>
#include <caf/meta/type_name.hpp>
#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "actors/messages.hpp"

namespace kagent::cluster {

/// Bumped whenever a struct below or an interface changes shape.
constexpr const char* protocol_version = "kagent-cluster/2";

/// Largest piece of a file in one message.
constexpr int64_t chunk_bytes = 1 << 20;

using join_atom = caf::atom_constant<caf::atom("join")>;
using heartbeat_atom = caf::atom_constant<caf::atom("heartbeat")>;
using chunk_atom = caf::atom_constant<caf::atom("chunk")>;

/// A worker introducing itself.
struct node_hello {
  std::string name;      ///< unique in the cluster
  int32_t slots = 0;     ///< stages it runs at once
  std::string sandbox;   ///< bwrap or process
  std::string version;   ///< kagentd version
  std::string address;   ///< where an operator reaches it: host:port of its /health
  std::string protocol = protocol_version;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, node_hello& x) {
  return f(caf::meta::type_name("node_hello"), x.name, x.slots, x.sandbox, x.version,
           x.address, x.protocol);
}

/// The head's answer to a join.
struct join_ack {
  bool accepted = false;
  std::string reason;        ///< why not, when refused
  std::string head;          ///< the head's node name
  int64_t heartbeat_ms = 0;  ///< how often the worker says it is alive
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, join_ack& x) {
  return f(caf::meta::type_name("join_ack"), x.accepted, x.reason, x.head, x.heartbeat_ms);
}

/// One file of a competition: where it goes and what it holds.
struct file_entry {
  std::string path;    ///< relative: "data/train.csv" or "description.md"
  int64_t size = 0;
  std::string sha256;  ///< hex; the worker's cache key
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, file_entry& x) {
  return f(caf::meta::type_name("file_entry"), x.path, x.size, x.sha256);
}

/// A competition's public files as the head has them now. `key` hashes
/// every entry, so any change of the files on the head gives a new key.
struct competition_manifest {
  std::string key;
  std::vector<file_entry> files;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, competition_manifest& x) {
  return f(caf::meta::type_name("competition_manifest"), x.key, x.files);
}

/// A bounded piece of one file, by content hash.
struct file_chunk {
  int64_t offset = 0;
  int64_t total = 0;  ///< size of the whole file
  std::string data;   ///< at most chunk_bytes
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, file_chunk& x) {
  return f(caf::meta::type_name("file_chunk"), x.offset, x.total, x.data);
}

/// A stage attempt for a worker. With `shared_disk` the paths in `req` are
/// valid on the worker (the head's own local worker); otherwise the worker
/// lays out a fresh job directory from `req.inputs` and a cached copy of
/// `competition`. Either way `req.inputs` are written into the job directory
/// first: a job's stages may run on different nodes.
struct remote_stage;

/// A worker's interface.
using worker_actor = caf::typed_actor<
  // Runs one attempt; its lines come back as (stage_event_atom, attempt_id,
  // job_event) to the head before the result.
  caf::replies_to<run_atom, remote_stage>::with<stage_result>,
  // Kills that attempt's stage (SIGTERM, then SIGKILL); its run answers
  // cancelled. By attempt: a job's next attempt may already run elsewhere.
  caf::replies_to<cancel_atom, uint64_t>::with<caf::ok_atom>>;

/// What the head publishes on the cluster port.
using head_actor = caf::typed_actor<
  caf::replies_to<join_atom, node_hello, worker_actor>::with<join_ack>,
  caf::reacts_to<heartbeat_atom, std::string, int32_t>,     ///< name, busy slots
  caf::reacts_to<stage_event_atom, uint64_t, job_event>,    ///< attempt_id, event
  // A piece of the file with that content hash, from that offset.
  caf::replies_to<chunk_atom, std::string, int64_t>::with<file_chunk>>;

struct remote_stage {
  uint64_t attempt_id = 0;          ///< the head's name for this attempt
  stage_request req;
  bool shared_disk = false;
  competition_manifest competition; ///< empty with shared_disk
  head_actor head;                  ///< where lines go and files come from
  caf::actor sink;                  ///< shared_disk only: the job actor, which gets the
                                    ///< lines straight from the launcher (same process)
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, remote_stage& x) {
  return f(caf::meta::type_name("remote_stage"), x.attempt_id, x.req, x.shared_disk,
           x.competition, x.head, x.sink);
}

/// Registers the cluster's payload types under fixed names.
void add_message_types(caf::actor_system_config& cfg);

} // namespace kagent::cluster
