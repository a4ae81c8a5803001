#include "core/hdf5_io.hpp"

#include <algorithm>
#include <optional>

#include <hdf5.h>
#include <zlib.h>

#include "core/error.hpp"

namespace lifecircle {

namespace detail {

/// Closes an HDF5 handle on scope exit.
struct Handle {
    hid_t id;
    herr_t (*closer)(hid_t);
    ~Handle() {
        if (id >= 0) closer(id);
    }
};

void quiet_hdf5() {
    // (once a thread: a thread-safe HDF5 keeps the setting with each thread's error stack, and
    // checkpoints are written on a thread of their own, sim/checkpoint.hpp)
    thread_local const bool done = [] {
        H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);  // we report errors ourselves
        return true;
    }();
    (void)done;
}

template <class T>
hid_t native_type();
template <>
hid_t native_type<double>() {
    return H5T_NATIVE_DOUBLE;
}
template <>
hid_t native_type<float>() {
    return H5T_NATIVE_FLOAT;
}
template <>
hid_t native_type<std::int64_t>() {
    return H5T_NATIVE_INT64;
}
template <>
hid_t native_type<std::int32_t>() {
    return H5T_NATIVE_INT32;
}
template <>
hid_t native_type<std::uint32_t>() {
    return H5T_NATIVE_UINT32;
}
template <>
hid_t native_type<std::int8_t>() {
    return H5T_NATIVE_INT8;
}
template <>
hid_t native_type<std::uint8_t>() {
    return H5T_NATIVE_UINT8;
}
template <>
hid_t native_type<std::int16_t>() {
    return H5T_NATIVE_INT16;
}
template <>
hid_t native_type<std::uint16_t>() {
    return H5T_NATIVE_UINT16;
}

/// A damaged header may claim more values than the file could hold: refuse before allocating
/// them. Deflate packs at most about 1,032:1, so anything beyond 1,100 times the stored bytes
/// (plus 1 MiB for small or contiguous datasets) cannot be what was written.
void check_plausible_size(const std::string& path, const std::string& name, hid_t set, hsize_t n,
                          std::size_t value_bytes) {
    const double stored = static_cast<double>(H5Dget_storage_size(set));
    if (static_cast<double>(n) * static_cast<double>(value_bytes) > 1100.0 * stored + 1048576.0)
        throw InputError(path + ": dataset " + name + " claims " + std::to_string(n) + " values in " +
                         std::to_string(static_cast<long long>(stored)) + " stored bytes; a damaged file?");
}

/// Every dataset: no timestamps (the same data gives the same bytes); chunked + deflate keeps
/// big tables small; Fletcher-32 checks each chunk as HDF5 reads it.
hid_t dataset_plist(hsize_t n, int deflate) {
    const hid_t plist = H5Pcreate(H5P_DATASET_CREATE);
    H5Pset_obj_track_times(plist, 0);
    if (n > 0) {
        const hsize_t chunk = std::min<hsize_t>(n, 1 << 16);
        H5Pset_chunk(plist, 1, &chunk);
        if (deflate > 0) H5Pset_deflate(plist, static_cast<unsigned>(deflate));
        H5Pset_fletcher32(plist);
    }
    return plist;
}

hid_t fixed_string_type(std::size_t width) {
    hid_t t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, width);
    H5Tset_strpad(t, H5T_STR_NULLPAD);
    H5Tset_cset(t, H5T_CSET_UTF8);
    return t;
}

hid_t utf8_string_type() {
    hid_t t = H5Tcopy(H5T_C_S1);
    H5Tset_size(t, H5T_VARIABLE);
    H5Tset_cset(t, H5T_CSET_UTF8);
    return t;
}

}  // namespace detail

bool hdf5_thread_safe() {
    hbool_t safe = 0;
    return H5is_library_threadsafe(&safe) >= 0 && safe;
}

void H5File::set_deflate(int level) {
    if (level < 0 || level > 9)
        throw ArgumentError(m_path + ": deflate level " + std::to_string(level) + "; expected 0 (none) to 9");
    m_deflate = level;
}

H5File H5File::create(const std::string& path, bool reuse_space) {
    detail::quiet_hdf5();
    detail::Handle fcpl{H5Pcreate(H5P_FILE_CREATE), H5Pclose};
    // persistent free-space tracking: space freed in one session is found again in the next
    if (reuse_space && H5Pset_file_space_strategy(fcpl.id, H5F_FSPACE_STRATEGY_FSM_AGGR, 1, 1) < 0)
        throw InputError(path + ": cannot ask HDF5 to reuse freed space");
    const hid_t id = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, fcpl.id, H5P_DEFAULT);
    if (id < 0) throw InputError(path + ": cannot create HDF5 file");
    return H5File(path, id);
}

H5File H5File::open_for_update(const std::string& path) {
    detail::quiet_hdf5();
    const hid_t id = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
    if (id < 0) throw InputError(path + ": cannot open HDF5 file to update it");
    return H5File(path, id);
}

H5File H5File::open(const std::string& path) {
    detail::quiet_hdf5();
    check_seal(path);  // before HDF5 parses anything of the file
#if H5_VERSION_GE(1, 12, 0)
    const htri_t is_hdf5 = H5Fis_accessible(path.c_str(), H5P_DEFAULT);
#else
    const htri_t is_hdf5 = H5Fis_hdf5(path.c_str());
#endif
    if (is_hdf5 <= 0) throw InputError(path + ": not a readable HDF5 file");
    const hid_t id = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    if (id < 0) throw InputError(path + ": cannot open HDF5 file");
    return H5File(path, id);
}

H5File::H5File(H5File&& other) noexcept
    : m_path(std::move(other.m_path)), m_id(other.m_id), m_deflate(other.m_deflate) {
    other.m_id = -1;
}

H5File::~H5File() { close(); }

void H5File::close() {
    if (m_id >= 0) H5Fclose(m_id);
    m_id = -1;
}

void H5File::create_group(const std::string& name) {
    detail::Handle g{H5Gcreate2(m_id, name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose};
    if (g.id < 0) throw InputError(m_path + ": cannot create group " + name);
}

bool H5File::exists(const std::string& name) const { return H5Lexists(m_id, name.c_str(), H5P_DEFAULT) > 0; }

template <class T>
void H5File::write(const std::string& name, std::span<const T> values) {
    const hsize_t n = values.size();
    detail::Handle space{H5Screate_simple(1, &n, nullptr), H5Sclose};
    detail::Handle plist{detail::dataset_plist(n, m_deflate), H5Pclose};
    detail::Handle set{
        H5Dcreate2(m_id, name.c_str(), detail::native_type<T>(), space.id, H5P_DEFAULT, plist.id, H5P_DEFAULT),
        H5Dclose};
    if (set.id < 0 ||
        (n > 0 && H5Dwrite(set.id, detail::native_type<T>(), H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()) < 0))
        throw InputError(m_path + ": cannot write dataset " + name);
}

template <class T>
void H5File::write_extendible(const std::string& name, std::span<const T> values) {
    const hsize_t n = values.size(), unlimited = H5S_UNLIMITED, chunk = kExtendibleChunk;
    detail::Handle space{H5Screate_simple(1, &n, &unlimited), H5Sclose};
    detail::Handle plist{H5Pcreate(H5P_DATASET_CREATE), H5Pclose};
    H5Pset_obj_track_times(plist.id, 0);
    H5Pset_chunk(plist.id, 1, &chunk);
    if (m_deflate > 0) H5Pset_deflate(plist.id, static_cast<unsigned>(m_deflate));
    H5Pset_fletcher32(plist.id);
    detail::Handle set{
        H5Dcreate2(m_id, name.c_str(), detail::native_type<T>(), space.id, H5P_DEFAULT, plist.id, H5P_DEFAULT),
        H5Dclose};
    if (set.id < 0 ||
        (n > 0 && H5Dwrite(set.id, detail::native_type<T>(), H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()) < 0))
        throw InputError(m_path + ": cannot write dataset " + name);
}

template <class T>
void H5File::append(const std::string& name, std::span<const T> values) {
    if (values.empty()) return;
    const hsize_t at = length(name), count = values.size(), size = at + count;
    detail::Handle set{H5Dopen2(m_id, name.c_str(), H5P_DEFAULT), H5Dclose};
    if (set.id < 0 || H5Dset_extent(set.id, &size) < 0)
        throw InputError(m_path + ": cannot extend dataset " + name + " (not written by write_extendible?)");
    detail::Handle file_space{H5Dget_space(set.id), H5Sclose};
    detail::Handle memory_space{H5Screate_simple(1, &count, nullptr), H5Sclose};
    if (H5Sselect_hyperslab(file_space.id, H5S_SELECT_SET, &at, nullptr, &count, nullptr) < 0 ||
        H5Dwrite(set.id, detail::native_type<T>(), memory_space.id, file_space.id, H5P_DEFAULT, values.data()) < 0)
        throw InputError(m_path + ": cannot append to dataset " + name);
}

std::uint64_t H5File::length(const std::string& name) const {
    if (!exists(name)) throw InputError(m_path + ": missing dataset " + name);
    detail::Handle set{H5Dopen2(m_id, name.c_str(), H5P_DEFAULT), H5Dclose};
    detail::Handle space{H5Dget_space(set.id), H5Sclose};
    if (set.id < 0 || space.id < 0 || H5Sget_simple_extent_ndims(space.id) != 1)
        throw InputError(m_path + ": dataset " + name + " is not a one-dimensional array");
    hsize_t n = 0;
    H5Sget_simple_extent_dims(space.id, &n, nullptr);
    return n;
}

namespace detail {
/// CRC-32 and Adler-32 of the bytes, as one 64-bit word.
std::uint64_t digest(const void* data, std::size_t bytes) {
    uLong crc = crc32(0L, Z_NULL, 0), adler = adler32(0L, Z_NULL, 0);
    const auto* p = static_cast<const Bytef*>(data);
    for (std::size_t at = 0; at < bytes; at += std::size_t{1} << 30) {
        const auto n = static_cast<uInt>(std::min(bytes - at, std::size_t{1} << 30));
        crc = crc32(crc, p + at, n);
        adler = adler32(adler, p + at, n);
    }
    return (static_cast<std::uint64_t>(crc) << 32) | static_cast<std::uint32_t>(adler);
}
}  // namespace detail

std::optional<std::uint64_t> H5File::stored_digest(const std::string& name) const {
    detail::Handle set{H5Dopen2(m_id, name.c_str(), H5P_DEFAULT), H5Dclose};
    if (set.id < 0 || H5Aexists(set.id, "digest") <= 0) return std::nullopt;
    detail::Handle attr{H5Aopen(set.id, "digest", H5P_DEFAULT), H5Aclose};
    std::uint64_t stored = 0;
    if (H5Aread(attr.id, H5T_NATIVE_UINT64, &stored) < 0) return std::nullopt;
    return stored;
}

template <class T>
void H5File::replace(const std::string& name, std::span<const T> values) {
    const std::uint64_t digest = detail::digest(values.data(), values.size_bytes());
    if (exists(name)) {
        if (length(name) == values.size() && stored_digest(name) == digest) return;
        remove(name);
    }
    write<T>(name, values);
    detail::Handle set{H5Dopen2(m_id, name.c_str(), H5P_DEFAULT), H5Dclose};
    detail::Handle space{H5Screate(H5S_SCALAR), H5Sclose};
    detail::Handle attr{H5Acreate2(set.id, "digest", H5T_NATIVE_UINT64, space.id, H5P_DEFAULT, H5P_DEFAULT), H5Aclose};
    if (attr.id < 0 || H5Awrite(attr.id, H5T_NATIVE_UINT64, &digest) < 0)
        throw InputError(m_path + ": cannot write the digest of dataset " + name);
}

std::uint64_t H5File::stored_bytes() const {
    std::uint64_t total = 0;
    const auto visit = [](hid_t root, const char* name, const H5O_info_t* info, void* data) -> herr_t {
        if (info->type != H5O_TYPE_DATASET) return 0;
        detail::Handle set{H5Dopen2(root, name, H5P_DEFAULT), H5Dclose};
        if (set.id < 0) return -1;
        *static_cast<std::uint64_t*>(data) += H5Dget_storage_size(set.id);
        return 0;
    };
    if (H5Ovisit2(m_id, H5_INDEX_NAME, H5_ITER_INC, visit, &total, H5O_INFO_BASIC) < 0)
        throw InputError(m_path + ": cannot list its datasets");
    return total;
}

void H5File::remove(const std::string& name) {
    if (H5Ldelete(m_id, name.c_str(), H5P_DEFAULT) < 0) throw InputError(m_path + ": cannot remove " + name);
}

void H5File::write_strings(const std::string& name, const std::vector<std::string>& values) {
    // Fixed-length (NUL-padded) strings, chunked and checksummed like numbers: no variable-length
    // data in HDF5's global heap, so every stored byte of the dataset is in its own chunks.
    std::size_t width = 1;
    for (const auto& s : values) width = std::max(width, s.size());
    std::vector<char> packed(values.size() * width, '\0');
    for (std::size_t i = 0; i < values.size(); ++i) std::copy(values[i].begin(), values[i].end(), &packed[i * width]);
    const hsize_t n = values.size();
    detail::Handle type{detail::fixed_string_type(width), H5Tclose};
    detail::Handle space{H5Screate_simple(1, &n, nullptr), H5Sclose};
    detail::Handle plist{detail::dataset_plist(n, m_deflate), H5Pclose};
    detail::Handle set{H5Dcreate2(m_id, name.c_str(), type.id, space.id, H5P_DEFAULT, plist.id, H5P_DEFAULT), H5Dclose};
    if (set.id < 0 || (n > 0 && H5Dwrite(set.id, type.id, H5S_ALL, H5S_ALL, H5P_DEFAULT, packed.data()) < 0))
        throw InputError(m_path + ": cannot write dataset " + name);
}

template <class T>
std::vector<T> H5File::read(const std::string& name) const {
    if (!exists(name)) throw InputError(m_path + ": missing dataset " + name);
    detail::Handle set{H5Dopen2(m_id, name.c_str(), H5P_DEFAULT), H5Dclose};
    detail::Handle space{H5Dget_space(set.id), H5Sclose};
    if (set.id < 0 || space.id < 0 || H5Sget_simple_extent_ndims(space.id) != 1)
        throw InputError(m_path + ": dataset " + name + " is not a one-dimensional array");
    hsize_t n = 0;
    H5Sget_simple_extent_dims(space.id, &n, nullptr);
    detail::check_plausible_size(m_path, name, set.id, n, sizeof(T));
    std::vector<T> out(n);
    if (n > 0 && H5Dread(set.id, detail::native_type<T>(), H5S_ALL, H5S_ALL, H5P_DEFAULT, out.data()) < 0)
        throw InputError(m_path + ": dataset " + name +
                         " is damaged (its checksum or compression does not check out) or not numbers");
    return out;
}

std::vector<std::string> H5File::read_strings(const std::string& name) const {
    if (!exists(name)) throw InputError(m_path + ": missing dataset " + name);
    detail::Handle set{H5Dopen2(m_id, name.c_str(), H5P_DEFAULT), H5Dclose};
    detail::Handle space{H5Dget_space(set.id), H5Sclose};
    detail::Handle stored{H5Dget_type(set.id), H5Tclose};
    if (set.id < 0 || space.id < 0 || H5Sget_simple_extent_ndims(space.id) != 1)
        throw InputError(m_path + ": dataset " + name + " is not a one-dimensional array");
    if (H5Tget_class(stored.id) != H5T_STRING || H5Tis_variable_str(stored.id) != 0)
        throw InputError(m_path + ": dataset " + name + " is not fixed-length strings");
    const std::size_t width = H5Tget_size(stored.id);
    if (width == 0 || width > (1 << 20)) throw InputError(m_path + ": dataset " + name + " has a bad string width");
    hsize_t n = 0;
    H5Sget_simple_extent_dims(space.id, &n, nullptr);
    detail::check_plausible_size(m_path, name, set.id, n, width);
    detail::Handle type{detail::fixed_string_type(width), H5Tclose};
    std::vector<char> packed(n * width);
    if (n > 0 && H5Dread(set.id, type.id, H5S_ALL, H5S_ALL, H5P_DEFAULT, packed.data()) < 0)
        throw InputError(m_path + ": dataset " + name +
                         " is damaged (its checksum or compression does not check out) or not strings");
    std::vector<std::string> out;
    out.reserve(n);
    for (hsize_t i = 0; i < n; ++i) {
        const char* p = &packed[i * width];
        out.emplace_back(p, std::find(p, p + width, '\0'));
    }
    return out;
}

void H5File::set_attr(const std::string& name, double value) {
    if (H5Aexists(m_id, name.c_str()) > 0) H5Adelete(m_id, name.c_str());
    detail::Handle space{H5Screate(H5S_SCALAR), H5Sclose};
    detail::Handle attr{H5Acreate2(m_id, name.c_str(), H5T_NATIVE_DOUBLE, space.id, H5P_DEFAULT, H5P_DEFAULT),
                        H5Aclose};
    if (attr.id < 0 || H5Awrite(attr.id, H5T_NATIVE_DOUBLE, &value) < 0)
        throw InputError(m_path + ": cannot write attribute " + name);
}

void H5File::set_attr(const std::string& name, const std::string& value) {
    if (H5Aexists(m_id, name.c_str()) > 0) H5Adelete(m_id, name.c_str());
    detail::Handle type{detail::utf8_string_type(), H5Tclose};
    detail::Handle space{H5Screate(H5S_SCALAR), H5Sclose};
    detail::Handle attr{H5Acreate2(m_id, name.c_str(), type.id, space.id, H5P_DEFAULT, H5P_DEFAULT), H5Aclose};
    const char* p = value.c_str();
    if (attr.id < 0 || H5Awrite(attr.id, type.id, &p) < 0)
        throw InputError(m_path + ": cannot write attribute " + name);
}

double H5File::attr_double(const std::string& name) const {
    if (H5Aexists(m_id, name.c_str()) <= 0) throw InputError(m_path + ": missing attribute " + name);
    detail::Handle attr{H5Aopen(m_id, name.c_str(), H5P_DEFAULT), H5Aclose};
    double value = 0;
    if (H5Aread(attr.id, H5T_NATIVE_DOUBLE, &value) < 0)
        throw InputError(m_path + ": attribute " + name + " is not a number");
    return value;
}

std::string H5File::attr_string(const std::string& name) const {
    if (H5Aexists(m_id, name.c_str()) <= 0) throw InputError(m_path + ": missing attribute " + name);
    detail::Handle attr{H5Aopen(m_id, name.c_str(), H5P_DEFAULT), H5Aclose};
    detail::Handle type{detail::utf8_string_type(), H5Tclose};
    char* p = nullptr;
    if (H5Aread(attr.id, type.id, &p) < 0) throw InputError(m_path + ": attribute " + name + " is not a string");
    std::string out = p ? p : "";
    H5free_memory(p);
    return out;
}

#define LIFECIRCLE_H5_INSTANTIATE(T)                                                   \
    template void H5File::write<T>(const std::string&, std::span<const T>);            \
    template void H5File::write_extendible<T>(const std::string&, std::span<const T>); \
    template void H5File::append<T>(const std::string&, std::span<const T>);           \
    template void H5File::replace<T>(const std::string&, std::span<const T>);          \
    template std::vector<T> H5File::read<T>(const std::string&) const;
LIFECIRCLE_H5_INSTANTIATE(double)
LIFECIRCLE_H5_INSTANTIATE(float)
LIFECIRCLE_H5_INSTANTIATE(std::int64_t)
LIFECIRCLE_H5_INSTANTIATE(std::int32_t)
LIFECIRCLE_H5_INSTANTIATE(std::uint32_t)
LIFECIRCLE_H5_INSTANTIATE(std::int8_t)
LIFECIRCLE_H5_INSTANTIATE(std::uint8_t)
LIFECIRCLE_H5_INSTANTIATE(std::int16_t)
LIFECIRCLE_H5_INSTANTIATE(std::uint16_t)
#undef LIFECIRCLE_H5_INSTANTIATE

}  // namespace lifecircle
