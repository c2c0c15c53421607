#include "agent/table_reader.hpp"

#include <unordered_set>

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "agent/csv_reader.hpp"

namespace kagent::agent {

namespace {

// Accumulates rows into a scan.
struct scan_builder {
  table_scan scan;
  std::vector<int> tracked; // column indexes
  std::vector<std::unordered_set<std::string>> seen; // per column while still unique
  std::vector<bool> repeated;
  const scan_limits& limits;
  const track_predicate& track;

  scan_builder(const track_predicate& t, const scan_limits& lim) : limits(lim), track(t) {}

  void header(const std::vector<std::string>& h) {
    scan.header = h;
    for (size_t i = 0; i < h.size(); ++i)
      if (track && track(h[i])) {
        tracked.push_back(static_cast<int>(i));
        scan.distinct[h[i]];
      }
    if (limits.check_unique) {
      seen.resize(h.size());
      repeated.assign(h.size(), false);
    }
  }

  void add(const std::vector<std::string>& row) {
    ++scan.rows;
    for (int i : tracked) {
      auto& name = scan.header[static_cast<size_t>(i)];
      if (scan.overflowed.count(name))
        continue;
      auto& set = scan.distinct[name];
      ++set[static_cast<size_t>(i) < row.size() ? row[static_cast<size_t>(i)] : ""];
      if (set.size() > limits.distinct_cap) {
        scan.overflowed.insert(name);
        set.clear();
      }
    }
    if (limits.check_unique && static_cast<size_t>(scan.rows) <= limits.unique_rows)
      for (size_t i = 0; i < seen.size(); ++i) {
        if (repeated[i])
          continue;
        if (!seen[i].insert(i < row.size() ? row[i] : "").second) {
          repeated[i] = true;
          seen[i] = {}; // free it: most columns repeat early
        }
      }
    if (scan.sample.size() < limits.sample_rows)
      scan.sample.push_back(row);
  }

  table_scan finish() {
    for (size_t i = 0; i < repeated.size(); ++i)
      if (!repeated[i])
        scan.unique.insert(scan.header[i]);
    return std::move(scan);
  }
};

result<int64_t> visit_csv(byte_source& src, char sep, const row_visitor& v) {
  csv_reader reader(src, sep);
  std::vector<std::string> row;
  if (!reader.next(row))
    return fail(reader.error().empty() ? "empty file" : reader.error());
  if (v.on_header)
    v.on_header(row);
  int64_t n = 0;
  while (reader.next(row)) {
    ++n;
    if (v.on_row)
      v.on_row(row);
  }
  if (!reader.error().empty())
    return fail(reader.error() + " after " + std::to_string(reader.records()) + " records");
  return n;
}

std::string compact_json(const rapidjson::Value& v) {
  rapidjson::StringBuffer sb;
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  v.Accept(w);
  return sb.GetString();
}

std::string json_cell(const rapidjson::Value& v) {
  if (v.IsString())
    return v.GetString();
  if (v.IsNull())
    return "";
  if (v.IsBool())
    return v.GetBool() ? "True" : "False";
  if (v.IsInt64())
    return std::to_string(v.GetInt64());
  if (v.IsNumber()) {
    char buf[64];
    snprintf(buf, sizeof(buf), "%.17g", v.GetDouble());
    return buf;
  }
  return compact_json(v); // a list (or a deeper object) is one cell
}

// The (column, cell) pairs of one record: nested objects one level deep.
template <class F>
void each_field(const rapidjson::Value& record, F&& f) {
  for (auto& m : record.GetObject()) {
    std::string name = m.name.GetString();
    if (m.value.IsObject() && m.value.MemberCount() > 0)
      for (auto& inner : m.value.GetObject())
        f(name + "." + inner.name.GetString(), inner.value);
    else
      f(name, m.value);
  }
}

// JSON records: an array of objects, an object holding one such array, or
// JSON lines (one object per line).
result<int64_t> visit_json(const std::string& text, const row_visitor& v) {
  std::vector<rapidjson::Document> lines;
  rapidjson::Document doc;
  doc.Parse(text.c_str(), text.size());
  const rapidjson::Value* records = nullptr;
  std::vector<const rapidjson::Value*> objects;
  if (!doc.HasParseError()) {
    if (doc.IsArray())
      records = &doc;
    else if (doc.IsObject())
      for (auto& m : doc.GetObject())
        if (m.value.IsArray() && !records)
          records = &m.value;
    if (!records)
      return fail("JSON file holds no array of records");
    for (auto& r : records->GetArray())
      if (r.IsObject())
        objects.push_back(&r);
  } else {
    size_t start = 0;
    while (start < text.size()) {
      auto end = text.find('\n', start);
      if (end == std::string::npos)
        end = text.size();
      if (text.find_first_not_of(" \t\r", start) < end) {
        lines.emplace_back();
        lines.back().Parse(text.c_str() + start, end - start);
        if (lines.back().HasParseError() || !lines.back().IsObject())
          return fail("JSON file is neither a JSON document nor JSON lines");
      }
      start = end + 1;
    }
    for (auto& l : lines)
      objects.push_back(&l);
  }
  std::vector<std::string> header;
  std::map<std::string, size_t> index;
  for (auto* o : objects)
    each_field(*o, [&](const std::string& name, const rapidjson::Value&) {
      if (index.emplace(name, header.size()).second)
        header.push_back(name);
    });
  if (v.on_header)
    v.on_header(header);
  std::vector<std::string> row;
  for (auto* o : objects) {
    row.assign(header.size(), "");
    each_field(*o, [&](const std::string& name, const rapidjson::Value& cell) {
      row[index[name]] = json_cell(cell);
    });
    if (v.on_row)
      v.on_row(row);
  }
  return static_cast<int64_t>(objects.size());
}

char sep_of(const data_file& f) { return f.sep.empty() ? ',' : f.sep[0]; }

row_visitor builder_visitor(scan_builder& b) {
  return {[&b](const std::vector<std::string>& h) { b.header(h); },
          [&b](const std::vector<std::string>& r) { b.add(r); }};
}

} // namespace

result<int64_t> visit_text(const std::string& text, const std::string& format, char sep,
                           const row_visitor& v, const scan_limits&) {
  if (format == "json")
    return visit_json(text, v);
  memory_source src(text);
  return visit_csv(src, sep, v);
}

result<int64_t> visit_table(const std::string& competition_dir, const data_file& f,
                            const row_visitor& v, const scan_limits& limits) {
  auto src = open_data_file(competition_dir, f);
  if (!src)
    return fail(src.error());
  if (f.format == "json") {
    auto text = read_all(**src, limits.json_max_bytes);
    if (!text)
      return fail(f.label() + ": " + text.error());
    auto n = visit_json(*text, v);
    return n ? n : fail(f.label() + ": " + n.error());
  }
  auto n = visit_csv(**src, sep_of(f), v);
  return n ? n : fail(f.label() + ": " + n.error());
}

result<table_scan> scan_text(const std::string& text, const std::string& format,
                             const track_predicate& track, const scan_limits& limits, char sep) {
  scan_builder b(track, limits);
  auto n = visit_text(text, format, sep, builder_visitor(b), limits);
  if (!n)
    return fail(n.error());
  return b.finish();
}

result<table_scan> scan_table(const std::string& competition_dir, const data_file& f,
                              const track_predicate& track, const scan_limits& limits) {
  scan_builder b(track, limits);
  auto n = visit_table(competition_dir, f, builder_visitor(b), limits);
  if (!n)
    return fail(n.error());
  return b.finish();
}

result<std::vector<std::string>> read_header(const std::string& competition_dir,
                                             const data_file& f, const scan_limits& limits) {
  if (f.format == "json") {
    std::vector<std::string> header;
    auto n = visit_table(competition_dir, f, {[&](auto& h) { header = h; }, {}}, limits);
    if (!n)
      return fail(n.error());
    return header;
  }
  auto src = open_data_file(competition_dir, f);
  if (!src)
    return fail(src.error());
  csv_reader reader(**src, sep_of(f));
  std::vector<std::string> row;
  if (!reader.next(row))
    return fail(f.label() + ": " + (reader.error().empty() ? "empty file" : reader.error()));
  return row;
}

} // namespace kagent::agent
