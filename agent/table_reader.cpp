#include "agent/table_reader.hpp"

#include <rapidjson/document.h>

#include "agent/csv_reader.hpp"

namespace kagent::agent {

namespace {

// Accumulates rows into a scan.
struct scan_builder {
  table_scan scan;
  std::vector<int> tracked; // column indexes
  const scan_limits& limits;

  scan_builder(std::vector<std::string> header, const track_predicate& track,
               const scan_limits& lim)
    : limits(lim) {
    scan.header = std::move(header);
    for (size_t i = 0; i < scan.header.size(); ++i)
      if (track && track(scan.header[i])) {
        tracked.push_back(static_cast<int>(i));
        scan.distinct[scan.header[i]];
      }
  }

  void add(std::vector<std::string>& row) {
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
    if (scan.sample.size() < limits.sample_rows)
      scan.sample.push_back(row);
  }
};

result<table_scan> scan_csv(byte_source& src, const track_predicate& track,
                            const scan_limits& limits) {
  csv_reader reader(src);
  std::vector<std::string> row;
  if (!reader.next(row))
    return fail(reader.error().empty() ? "empty file" : reader.error());
  scan_builder b(row, track, limits);
  while (reader.next(row))
    b.add(row);
  if (!reader.error().empty())
    return fail(reader.error() + " after " + std::to_string(reader.records()) + " records");
  return std::move(b.scan);
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
  return "[nested]"; // objects and arrays are not tabular features
}

// JSON records: an array of objects, an object holding one such array, or
// JSON lines (one object per line).
result<table_scan> scan_json(const std::string& text, const track_predicate& track,
                             const scan_limits& limits) {
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
    for (auto& m : o->GetObject())
      if (index.emplace(m.name.GetString(), header.size()).second)
        header.emplace_back(m.name.GetString());
  scan_builder b(header, track, limits);
  std::vector<std::string> row;
  for (auto* o : objects) {
    row.assign(header.size(), "");
    for (auto& m : o->GetObject())
      row[index[m.name.GetString()]] = json_cell(m.value);
    b.add(row);
  }
  return std::move(b.scan);
}

} // namespace

result<table_scan> scan_text(const std::string& text, const std::string& format,
                             const track_predicate& track, const scan_limits& limits) {
  if (format == "json")
    return scan_json(text, track, limits);
  memory_source src(text);
  return scan_csv(src, track, limits);
}

result<table_scan> scan_table(const std::string& competition_dir, const data_file& f,
                              const track_predicate& track, const scan_limits& limits) {
  auto src = open_data_file(competition_dir, f);
  if (!src)
    return fail(src.error());
  if (f.format == "json") {
    auto text = read_all(**src, limits.json_max_bytes);
    if (!text)
      return fail(f.label() + ": " + text.error());
    auto s = scan_json(*text, track, limits);
    return s ? s : fail(f.label() + ": " + s.error());
  }
  auto s = scan_csv(**src, track, limits);
  return s ? s : fail(f.label() + ": " + s.error());
}

} // namespace kagent::agent
