#include "agent/archive_reader.hpp"
#include "core/text.hpp"

#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <cctype>

namespace kagent::agent {

namespace {

using archive_ptr = std::unique_ptr<archive, int (*)(archive*)>;

// The name a bare compressed file (raw format) gets: its own name minus the
// compression suffix, without directories.
std::string raw_member_name(const std::string& path) {
  auto base = path.substr(path.find_last_of('/') + 1);
  for (auto ext : {".gz", ".bz2", ".xz"})
    if (ends_with(to_lower(base), ext))
      return base.substr(0, base.size() - std::string(ext).size());
  return base.empty() ? "data" : base;
}

// Opens `path` (or `bytes` when path is empty) for reading entries.
result<archive_ptr> open_reader(const std::string& path, const std::string* bytes) {
  archive_ptr a(archive_read_new(), archive_read_free);
  archive_read_support_filter_all(a.get());
  archive_read_support_format_all(a.get());
  archive_read_support_format_raw(a.get()); // lowest bid: bare .gz files
  int rc = bytes ? archive_read_open_memory(a.get(), bytes->data(), bytes->size())
                 : archive_read_open_filename(a.get(), path.c_str(), 65536);
  if (rc != ARCHIVE_OK)
    return fail("cannot read archive " + (bytes ? std::string("(memory)") : path) + ": " +
                (archive_error_string(a.get()) ? archive_error_string(a.get()) : "unknown"));
  return result<archive_ptr>(std::move(a));
}

std::string entry_name(archive* a, archive_entry* e, const std::string& path) {
  if (archive_format(a) == ARCHIVE_FORMAT_RAW)
    return raw_member_name(path.empty() ? "data" : path);
  auto* p = archive_entry_pathname(e);
  return p ? p : "";
}

result<std::vector<archive_member>> list_impl(const std::string& path, const std::string* bytes) {
  auto a = open_reader(path, bytes);
  if (!a)
    return fail(a.error());
  std::vector<archive_member> out;
  archive_entry* e = nullptr;
  int rc;
  while ((rc = archive_read_next_header(a->get(), &e)) == ARCHIVE_OK) {
    // The raw format accepts any bytes; only a compressed stream (.gz, ...)
    // is a one-member archive.
    if (archive_format(a->get()) == ARCHIVE_FORMAT_RAW &&
        archive_filter_code(a->get(), 0) == ARCHIVE_FILTER_NONE)
      return fail("not an archive: " + (path.empty() ? std::string("(memory)") : path));
    if (archive_format(a->get()) != ARCHIVE_FORMAT_RAW && archive_entry_filetype(e) != AE_IFREG)
      continue;
    archive_member m;
    m.name = entry_name(a->get(), e, path);
    m.size = archive_entry_size_is_set(e) ? archive_entry_size(e) : -1;
    m.safe = is_safe_member_name(m.name);
    out.push_back(std::move(m));
    archive_read_data_skip(a->get());
  }
  if (rc != ARCHIVE_EOF)
    return fail("corrupt archive " + path + ": " +
                (archive_error_string(a->get()) ? archive_error_string(a->get()) : "unknown"));
  return out;
}

// Streams one entry's data; keeps the archive (and, for memory archives, the
// bytes) alive as long as the stream.
class member_source : public byte_source {
public:
  member_source(archive_ptr a, std::shared_ptr<std::string> bytes)
    : a_(std::move(a)), bytes_(std::move(bytes)) {}
  long read(char* buf, size_t n) override {
    auto k = archive_read_data(a_.get(), buf, n);
    return k < 0 ? -1 : static_cast<long>(k);
  }

private:
  archive_ptr a_;
  std::shared_ptr<std::string> bytes_;
};

result<std::unique_ptr<byte_source>>
open_impl(const std::string& path, std::shared_ptr<std::string> bytes, const std::string& member) {
  if (!is_safe_member_name(member))
    return fail("refusing unsafe archive member name '" + member + "'");
  auto a = open_reader(path, bytes.get());
  if (!a)
    return fail(a.error());
  archive_entry* e = nullptr;
  while (archive_read_next_header(a->get(), &e) == ARCHIVE_OK) {
    bool raw = archive_format(a->get()) == ARCHIVE_FORMAT_RAW;
    if ((raw || archive_entry_filetype(e) == AE_IFREG) && entry_name(a->get(), e, path) == member)
      return std::unique_ptr<byte_source>(new member_source(std::move(*a), bytes));
    archive_read_data_skip(a->get());
  }
  return fail("archive " + path + " has no member '" + member + "'");
}

} // namespace

bool is_safe_member_name(const std::string& name) {
  if (name.empty() || name.front() == '/' || name.find('\\') != std::string::npos)
    return false;
  if (name.size() >= 2 && name[1] == ':')
    return false; // drive letter
  for (unsigned char c : name)
    if (c < 0x20 || c == 0x7f)
      return false;
  size_t start = 0;
  while (start <= name.size()) {
    auto end = name.find('/', start);
    if (end == std::string::npos)
      end = name.size();
    if (name.compare(start, end - start, "..") == 0 && end - start == 2)
      return false;
    start = end + 1;
  }
  return true;
}

bool is_archive_name(const std::string& file_name) {
  auto n = to_lower(file_name);
  for (auto ext : {".zip", ".tar", ".tgz", ".gz", ".bz2", ".xz", ".7z"})
    if (ends_with(n, ext))
      return true;
  return false;
}

result<std::vector<archive_member>> list_archive(const std::string& path) {
  return list_impl(path, nullptr);
}

result<std::vector<archive_member>> list_archive_memory(const std::string& bytes) {
  return list_impl("", &bytes);
}

result<std::unique_ptr<byte_source>>
open_archive_member(const std::string& path, const std::string& member) {
  return open_impl(path, nullptr, member);
}

result<std::unique_ptr<byte_source>>
open_archive_member_memory(const std::string& bytes, const std::string& member) {
  return open_impl("", std::make_shared<std::string>(bytes), member);
}

} // namespace kagent::agent
