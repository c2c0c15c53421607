#include "persistence/key_repository.hpp"

#include "core/error.hpp"
#include "persistence/job_repository.hpp"

namespace kagent::pg {


caf::error create_key(connection& conn, const std::string& name, const std::string& key_hash,
                      const std::string& prefix, bool admin) {
  auto res = conn.exec("INSERT INTO api_keys (name, key_hash, prefix, admin) VALUES ($1, $2, $3,"
                       " $4::boolean) ON CONFLICT (name) DO UPDATE SET key_hash = EXCLUDED.key_hash,"
                       " prefix = EXCLUDED.prefix, admin = EXCLUDED.admin, created_at = now(),"
                       " revoked_at = NULL WHERE api_keys.revoked_at IS NOT NULL",
                       {text(name), text(key_hash), text(prefix), text(admin ? "true" : "false")});
  if (!res)
    return res.error();
  if (res->affected() == 0)
    return make_error(errc::conflict, "a live key named '" + name + "' exists; revoke it first");
  return caf::none;
}

caf::expected<std::vector<api_key_info>> list_keys(connection& conn) {
  auto res = conn.exec("SELECT name, prefix, admin::text,"
                       " floor(extract(epoch from created_at) * 1000)::bigint,"
                       " coalesce(floor(extract(epoch from revoked_at) * 1000)::bigint, 0)"
                       " FROM api_keys ORDER BY name");
  if (!res)
    return res.error();
  std::vector<api_key_info> out;
  for (int i = 0; i < res->rows(); ++i)
    out.push_back({res->get(i, 0), res->get(i, 1), res->get(i, 2) == "true", res->get_int(i, 3),
                   res->get_int(i, 4)});
  return out;
}

caf::error revoke_key(connection& conn, const std::string& name) {
  auto res = conn.exec("UPDATE api_keys SET revoked_at = now() WHERE name = $1"
                       " AND revoked_at IS NULL", {text(name)});
  if (!res)
    return res.error();
  if (res->affected() == 0)
    return make_error(errc::not_found, "no live key named '" + name + "'");
  return caf::none;
}

caf::expected<std::vector<api_key_entry>> live_keys(connection& conn) {
  auto res = conn.exec("SELECT key_hash, name, admin::text FROM api_keys"
                       " WHERE revoked_at IS NULL");
  if (!res)
    return res.error();
  std::vector<api_key_entry> out;
  for (int i = 0; i < res->rows(); ++i)
    out.push_back({res->get(i, 0), res->get(i, 1), res->get(i, 2) == "true"});
  return out;
}

caf::expected<idempotent_hit> find_idempotent(connection& conn, const std::string& owner,
                                              const std::string& key) {
  auto res = conn.exec("SELECT request_hash, job_id::text FROM idempotency_keys"
                       " WHERE owner = $1 AND key = $2", {text(owner), text(key)});
  if (!res)
    return res.error();
  idempotent_hit hit;
  if (res->rows() > 0) {
    hit.found = true;
    hit.request_hash = res->get(0, 0);
    hit.job_id = res->get(0, 1);
  }
  return hit;
}

caf::error insert_job_idempotent(connection& conn, const job_record& job, const std::string& key,
                                 const std::string& request_hash) {
  if (auto err = insert_job(conn, job))
    return err;
  auto res = conn.exec("INSERT INTO idempotency_keys (owner, key, request_hash, job_id)"
                       " VALUES ($1, $2, $3, $4)",
                       {text(job.owner), text(key), text(request_hash), text(job.id)});
  return res ? caf::error{} : res.error();
}

} // namespace kagent::pg
