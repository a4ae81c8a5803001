#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace lifecircle {

/// A comma-separated file with a header row, read whole; errors name file:line and column.
class CsvTable {
  public:
    /// Reads `path`; throws InputError if a column of `required` is missing.
    static CsvTable read(const std::string& path, const std::vector<std::string>& required);

    std::size_t rows() const { return m_rows.size(); }
    /// 1-based line number of data row `row` in the file.
    std::size_t line_of(std::size_t row) const { return m_lines[row]; }
    std::vector<std::int64_t> int_column(const std::string& name) const;
    std::vector<double> double_column(const std::string& name) const;
    std::vector<std::string> string_column(const std::string& name) const;
    bool has_column(const std::string& name) const { return m_columns.count(name) > 0; }

  private:
    std::size_t column(const std::string& name) const;

    std::string m_path;
    std::unordered_map<std::string, std::size_t> m_columns;
    std::vector<std::vector<std::string>> m_rows;
    std::vector<std::size_t> m_lines;
};

}  // namespace lifecircle
