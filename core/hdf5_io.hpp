#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
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
    /// Creates (truncating) `path` for writing. With `reuse_space`, the file keeps a record of
    /// the space freed inside it (a rewritten chunk's old bytes), so that a file reopened and
    /// changed again and again (an incremental checkpoint) reuses that space and does not grow.
    static H5File create(const std::string& path, bool reuse_space = false);
    /// Opens `path` read-only, after checking its seal (core/file_seal.hpp): a file that was
    /// not written whole by write_atomically, or was damaged since, is refused here.
    static H5File open(const std::string& path);
    /// Opens an unsealed file (unseal_file) for reading and writing, to change it in place.
    static H5File open_for_update(const std::string& path);
    ~H5File();
    H5File(H5File&& other) noexcept;
    H5File& operator=(H5File&&) = delete;
    H5File(const H5File&) = delete;

    /// The deflate level of the datasets this handle creates from now on (default 4; 0: none).
    /// A checkpoint, rewritten every month and read once, takes 1: faster, a little larger.
    void set_deflate(int level);

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

    /// A dataset that can grow (chunks of `kExtendibleChunk` values): append() adds values at
    /// its end, and only the last, partly filled chunk is written again.
    template <class T>
    void write_extendible(const std::string& name, std::span<const T> values);
    /// Adds `values` at the end of a dataset written by write_extendible.
    template <class T>
    void append(const std::string& name, std::span<const T> values);
    /// Values in a one-dimensional dataset.
    std::uint64_t length(const std::string& name) const;
    /// Writes `values` as dataset `name`, replacing one there unless it holds the same values
    /// (same length and digest, CRC-32 and Adler-32 of the bytes, kept in the dataset's
    /// attribute `digest`): then nothing is written. For state rewritten often but seldom
    /// changed (a checkpoint's residents).
    template <class T>
    void replace(const std::string& name, std::span<const T> values);
    /// Removes a dataset or group (its space is reused by what is written next).
    void remove(const std::string& name);
    /// Bytes the file's datasets take in it (compressed chunks), without HDF5's own metadata.
    std::uint64_t stored_bytes() const;
    static constexpr std::uint64_t kExtendibleChunk = 8192;
    std::vector<std::string> read_strings(const std::string& name) const;

    /// Attributes on the root group (set_attr replaces one there).
    void set_attr(const std::string& name, double value);
    void set_attr(const std::string& name, const std::string& value);
    double attr_double(const std::string& name) const;
    std::string attr_string(const std::string& name) const;

    const std::string& path() const { return m_path; }
    void close();

  private:
    H5File(std::string path, std::int64_t id) : m_path(std::move(path)), m_id(id) {}
    std::optional<std::uint64_t> stored_digest(const std::string& name) const;
    std::string m_path;
    std::int64_t m_id = -1;
    int m_deflate = 4;
};

/// Whether the HDF5 library linked was built thread-safe (two threads may then each write
/// their own file at once: a checkpoint beside the run, sim/checkpoint.hpp).
bool hdf5_thread_safe();

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
