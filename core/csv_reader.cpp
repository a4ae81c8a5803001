#include "core/csv_reader.hpp"

#include <charconv>
#include <fstream>
#include <sstream>
#include <string_view>

#include "core/error.hpp"

namespace lifecircle {

namespace detail {

std::vector<std::string> split_csv_line(const std::string& line) {
    std::vector<std::string> fields;
    std::string field;
    std::istringstream in(line);
    while (std::getline(in, field, ',')) {
        // trim spaces and a trailing carriage return
        const auto first = field.find_first_not_of(" \t\r");
        const auto last = field.find_last_not_of(" \t\r");
        fields.push_back(first == std::string::npos ? "" : field.substr(first, last - first + 1));
    }
    if (!line.empty() && line.back() == ',') fields.emplace_back();
    return fields;
}

}  // namespace detail

CsvTable CsvTable::read(const std::string& path, const std::vector<std::string>& required) {
    std::ifstream in(path);
    if (!in) throw InputError(path + ": cannot open file for reading");
    CsvTable table;
    table.m_path = path;
    std::string line;
    std::size_t line_no = 0;
    if (!std::getline(in, line)) throw InputError(path + ": empty file; expected a header row");
    ++line_no;
    const auto header = detail::split_csv_line(line);
    for (std::size_t i = 0; i < header.size(); ++i) table.m_columns.emplace(header[i], i);
    for (const auto& name : required)
        if (!table.m_columns.count(name)) {
            std::string expected;
            for (const auto& r : required) expected += (expected.empty() ? "" : ",") + r;
            throw InputError(path + ":1: missing column '" + name + "'; expected columns " + expected +
                             " (header is '" + line + "')");
        }
    while (std::getline(in, line)) {
        ++line_no;
        if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
        auto fields = detail::split_csv_line(line);
        if (fields.size() != header.size())
            throw InputError(path + ":" + std::to_string(line_no) + ": " + std::to_string(fields.size()) +
                             " fields; expected " + std::to_string(header.size()) + " as in the header");
        table.m_rows.push_back(std::move(fields));
        table.m_lines.push_back(line_no);
    }
    return table;
}

std::size_t CsvTable::column(const std::string& name) const {
    auto it = m_columns.find(name);
    if (it == m_columns.end()) throw InputError(m_path + ": missing column '" + name + "'");
    return it->second;
}

std::vector<std::int64_t> CsvTable::int_column(const std::string& name) const {
    const auto c = column(name);
    std::vector<std::int64_t> out(m_rows.size());
    for (std::size_t r = 0; r < m_rows.size(); ++r) {
        const std::string& s = m_rows[r][c];
        auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out[r]);
        if (ec != std::errc() || ptr != s.data() + s.size())
            throw InputError(m_path + ":" + std::to_string(m_lines[r]) + ": column '" + name + "' is '" + s +
                             "'; expected an integer");
    }
    return out;
}

std::vector<double> CsvTable::double_column(const std::string& name) const {
    const auto c = column(name);
    std::vector<double> out(m_rows.size());
    for (std::size_t r = 0; r < m_rows.size(); ++r) {
        const std::string& s = m_rows[r][c];
        // strtod accepts "nan" and "inf" so that they reach the range checks with a clear message
        char* end = nullptr;
        out[r] = std::strtod(s.c_str(), &end);
        if (s.empty() || end != s.c_str() + s.size())
            throw InputError(m_path + ":" + std::to_string(m_lines[r]) + ": column '" + name + "' is '" + s +
                             "'; expected a number");
    }
    return out;
}

std::vector<std::string> CsvTable::string_column(const std::string& name) const {
    const auto c = column(name);
    std::vector<std::string> out;
    out.reserve(m_rows.size());
    for (const auto& row : m_rows) out.push_back(row[c]);
    return out;
}

}  // namespace lifecircle
