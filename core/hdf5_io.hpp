#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

#include <unistd.h>

#include "core/file_seal.hpp"

namespace lifecircle {

/// A small RAII layer over the HDF5 C API for the project's files: one-dimensional numeric
/// and string datasets and scalar attributes. Errors become InputError naming file and path.
class H5File {
  public:
    /// Creates (truncating) `path` for writing.
    static H5File create(const std::string& path);
    /// Opens `path` read-only, after checking its seal (core/file_seal.hpp): a file that was
    /// not written whole by write_atomically, or was damaged since, is refused here.
    static H5File open(const std::string& path);
    ~H5File();
    H5File(H5File&& other) noexcept;
    H5File& operator=(H5File&&) = delete;
    H5File(const H5File&) = delete;

    void create_group(const std::string& name);
    bool exists(const std::string& name) const;

    template <class T>
    void write(const std::string& name, std::span<const T> values);
    /// Writes one column of a table of records: `field(row)` for every row (a member pointer
    /// or a function), stored as T (by default the field's own type).
    template <class T = void, class Rows, class Field>
    void write_column(const std::string& name, const Rows& rows, Field field) {
        using Row = typename Rows::value_type;
        using Value = std::conditional_t<std::is_void_v<T>, std::decay_t<std::invoke_result_t<Field, const Row&>>, T>;
        std::vector<Value> values;
        values.reserve(rows.size());
        for (const auto& row : rows) values.push_back(static_cast<Value>(std::invoke(field, row)));
        write<Value>(name, values);
    }
    void write_strings(const std::string& name, const std::vector<std::string>& values);
    template <class T>
    std::vector<T> read(const std::string& name) const;
    std::vector<std::string> read_strings(const std::string& name) const;

    /// Attributes on the root group.
    void set_attr(const std::string& name, double value);
    void set_attr(const std::string& name, const std::string& value);
    double attr_double(const std::string& name) const;
    std::string attr_string(const std::string& name) const;

    const std::string& path() const { return m_path; }
    void close();

  private:
    H5File(std::string path, std::int64_t id) : m_path(std::move(path)), m_id(id) {}
    std::string m_path;
    std::int64_t m_id = -1;
};

namespace detail {
/// HDF5 prints its error stack to stderr by default; the project reports errors itself.
void quiet_hdf5();
}  // namespace detail

/// Writes an HDF5 file through a temporary name, seals it (core/file_seal.hpp) and renames it
/// to `path` only then; on any exception the temporary is removed and nothing is left at `path`.
template <class Writer>
void write_atomically(const std::string& path, Writer&& write) {
    const std::string tmp = path + ".tmp-" + std::to_string(::getpid());
    try {
        write(tmp);
        seal_file(tmp);
        std::filesystem::rename(tmp, path);
    } catch (...) {
        std::error_code ignored;
        std::filesystem::remove(tmp, ignored);
        throw;
    }
}

}  // namespace lifecircle
