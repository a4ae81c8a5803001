#include "core/file_seal.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string_view>
#include <vector>

#include <hdf5.h>
#include <zlib.h>

#include "core/error.hpp"
#include "core/hdf5_io.hpp"

namespace lifecircle {

namespace {

// Layout: [HDF5 file][seal text][footer]. The footer is fixed-size text:
// "LCSEAL01 <seal text length, 16 digits> <CRC-32 of the seal text, 8 hex>\n".
// The seal text is lines: "lifecircle-seal 1", "file <bytes> <crc>", then one line per dataset:
// "dataset <name>\t<crc>\t<offset>+<size> <offset>+<size> ..." (its stored chunks, in order).
constexpr std::string_view kMagic = "LCSEAL01";
constexpr std::size_t kFooterBytes = 8 + 1 + 16 + 1 + 8 + 1;

struct Range {
    std::uint64_t offset = 0, size = 0;
};

struct DatasetSeal {
    std::string name;
    std::uint32_t crc = 0;
    std::vector<Range> ranges;
};

std::string hex8(std::uint32_t v) {
    char buf[9];
    std::snprintf(buf, sizeof buf, "%08x", v);
    return buf;
}

std::uint32_t crc_of(std::string_view bytes) {
    uLong crc = crc32(0L, Z_NULL, 0);
    // zlib's length is a uInt: feed at most 1 GiB at a time
    for (std::size_t at = 0; at < bytes.size(); at += std::size_t{1} << 30) {
        const auto n = std::min(bytes.size() - at, std::size_t{1} << 30);
        crc = crc32(crc, reinterpret_cast<const Bytef*>(bytes.data() + at), static_cast<uInt>(n));
    }
    return static_cast<std::uint32_t>(crc);
}

/// A file read in blocks of kBlockBytes: memory stays the same for a file of any size.
class BlockReader {
  public:
    static constexpr std::size_t kBlockBytes = std::size_t{1} << 20;
    explicit BlockReader(const std::string& path) : m_path(path), m_in(path, std::ios::binary), m_block(kBlockBytes) {
        if (!m_in) throw InputError(path + ": cannot open file");
        m_in.seekg(0, std::ios::end);
        m_size = static_cast<std::uint64_t>(m_in.tellg());
    }
    std::uint64_t size() const { return m_size; }
    /// CRC-32 of `size` bytes from `offset`, continuing `crc`.
    std::uint32_t crc(std::uint64_t offset, std::uint64_t size, std::uint32_t crc = 0) {
        uLong c = crc;
        each_block(offset, size, [&](std::string_view b) {
            c = crc32(c, reinterpret_cast<const Bytef*>(b.data()), static_cast<uInt>(b.size()));
        });
        return static_cast<std::uint32_t>(c);
    }
    /// `size` bytes from `offset` into memory (for the seal's own, short, parts).
    std::string read(std::uint64_t offset, std::uint64_t size) {
        std::string out;
        out.reserve(size);
        each_block(offset, size, [&](std::string_view b) { out += b; });
        return out;
    }

  private:
    template <class F>
    void each_block(std::uint64_t offset, std::uint64_t size, F&& f) {
        if (offset > m_size || size > m_size - offset) throw InputError(m_path + ": a read beyond its end");
        m_in.clear();
        m_in.seekg(static_cast<std::streamoff>(offset));
        while (size > 0) {
            const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(size, kBlockBytes));
            if (!m_in.read(m_block.data(), static_cast<std::streamsize>(n)))
                throw InputError(m_path + ": cannot read file");
            f(std::string_view(m_block.data(), n));
            size -= n;
        }
    }
    std::string m_path;
    std::ifstream m_in;
    std::uint64_t m_size = 0;
    std::vector<char> m_block;
};

/// CRC-32 of the ranges' bytes, one after another.
std::uint32_t crc_of_ranges(BlockReader& in, const std::vector<Range>& ranges) {
    std::uint32_t crc = 0;
    for (const auto& r : ranges) crc = in.crc(r.offset, r.size, crc);
    return crc;
}

/// Each dataset's stored bytes, found through HDF5 on a file we have just written.
std::vector<DatasetSeal> dataset_ranges(const std::string& path) {
    detail::quiet_hdf5();
    const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    if (file < 0) throw InputError(path + ": cannot reopen to seal it");
    std::vector<DatasetSeal> out;
    const auto visit = [](hid_t root, const char* name, const H5O_info_t* info, void* data) -> herr_t {
        if (info->type != H5O_TYPE_DATASET || std::string_view(name) == ".") return 0;
        auto& sets = *static_cast<std::vector<DatasetSeal>*>(data);
        DatasetSeal seal{name, 0, {}};
        const hid_t set = H5Dopen2(root, name, H5P_DEFAULT);
        if (set < 0) return -1;
        const hid_t plist = H5Dget_create_plist(set);
        const bool chunked = H5Pget_layout(plist) == H5D_CHUNKED;
        H5Pclose(plist);
        if (chunked) {
            const hid_t space = H5Dget_space(set);
            hsize_t n = 0;
            H5Dget_num_chunks(set, space, &n);
            for (hsize_t i = 0; i < n; ++i) {
                hsize_t coord[H5S_MAX_RANK] = {};
                unsigned mask = 0;
                haddr_t addr = 0;
                hsize_t size = 0;
                if (H5Dget_chunk_info(set, space, i, coord, &mask, &addr, &size) >= 0 && addr != HADDR_UNDEF)
                    seal.ranges.push_back({addr, size});
            }
            H5Sclose(space);
        } else if (const haddr_t addr = H5Dget_offset(set); addr != HADDR_UNDEF) {
            seal.ranges.push_back({addr, H5Dget_storage_size(set)});
        }
        H5Dclose(set);
        sets.push_back(std::move(seal));
        return 0;
    };
    const herr_t status = H5Ovisit2(file, H5_INDEX_NAME, H5_ITER_INC, visit, &out, H5O_INFO_BASIC);
    H5Fclose(file);
    if (status < 0) throw InputError(path + ": cannot list its datasets to seal it");
    return out;
}

std::uint64_t parse_u64(std::string_view s, const std::string& path, int base = 10) {
    std::uint64_t v = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v, base);
    if (ec != std::errc() || end != s.data() + s.size() || s.empty())
        throw InputError(path + ": its seal is damaged (bad number '" + std::string(s.substr(0, 32)) + "')");
    return v;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
    std::vector<std::string_view> out;
    for (std::size_t at = 0;;) {
        const auto next = s.find(sep, at);
        out.push_back(s.substr(at, next == std::string_view::npos ? std::string_view::npos : next - at));
        if (next == std::string_view::npos) return out;
        at = next + 1;
    }
}

/// The length of the HDF5 data before the seal, once the seal and the data check out.
std::uint64_t checked_data_bytes(const std::string& path);

}  // namespace

void seal_file(const std::string& path) {
    auto sets = dataset_ranges(path);
    BlockReader in(path);
    const std::uint64_t bytes = in.size();
    std::string text = "lifecircle-seal 1\nfile " + std::to_string(bytes) + " " + hex8(in.crc(0, bytes)) + "\n";
    for (auto& s : sets) {
        for (const auto& r : s.ranges)
            if (r.offset > bytes || r.size > bytes - r.offset)
                throw InputError(path + ": dataset " + s.name + " lies outside the file; cannot seal it");
        text += "dataset " + s.name + "\t" + hex8(crc_of_ranges(in, s.ranges)) + "\t";
        for (std::size_t i = 0; i < s.ranges.size(); ++i) {
            if (i > 0) text += ' ';
            text += std::to_string(s.ranges[i].offset);
            text += '+';
            text += std::to_string(s.ranges[i].size);
        }
        text += "\n";
    }
    char footer[kFooterBytes + 1];
    std::snprintf(footer, sizeof footer, "%s %016zu %s\n", kMagic.data(), text.size(), hex8(crc_of(text)).c_str());
    std::ofstream out(path, std::ios::binary | std::ios::app);
    out << text << std::string_view(footer, kFooterBytes);
    out.close();
    if (!out) throw InputError(path + ": cannot write its seal");
}

void check_seal(const std::string& path) { (void)checked_data_bytes(path); }

void unseal_file(const std::string& path) {
    const auto data_bytes = checked_data_bytes(path);
    std::error_code ec;
    std::filesystem::resize_file(path, data_bytes, ec);
    if (ec) throw InputError(path + ": cannot remove its seal (" + ec.message() + ")");
}

namespace {

std::uint64_t checked_data_bytes(const std::string& path) {
    BlockReader in(path);
    const std::uint64_t size = in.size();
    const std::string footer = size < kFooterBytes ? std::string() : in.read(size - kFooterBytes, kFooterBytes);
    if (!std::string_view(footer).starts_with(kMagic)) {
        if (in.read(0, std::min<std::uint64_t>(size, 8)) != std::string_view("\x89HDF\r\n\x1a\n", 8))
            throw InputError(path + ": not a readable HDF5 file (and no lifecircle seal at its end)");
        throw InputError(path +
                         ": has no lifecircle seal at its end: an HDF5 file cut short, written by another program, "
                         "or by lifecircle before 0.2 (write it again with this version)");
    }
    const auto text_bytes = parse_u64(std::string_view(footer).substr(9, 16), path);
    const auto text_crc = static_cast<std::uint32_t>(parse_u64(std::string_view(footer).substr(26, 8), path, 16));
    if (text_bytes > size - kFooterBytes) throw InputError(path + ": its seal is damaged (length)");
    const auto data_bytes = size - kFooterBytes - text_bytes;
    // the seal's checksum before its text is held in memory: a damaged length allocates nothing
    if (in.crc(data_bytes, text_bytes) != text_crc)
        throw InputError(path + ": its seal is damaged (the seal's own checksum fails)");
    const std::string text_held = in.read(data_bytes, text_bytes);
    const std::string_view text(text_held);
    auto lines = split(text, '\n');
    if (lines.size() < 2 || lines[0] != "lifecircle-seal 1")
        throw InputError(path + ": its seal has an unknown format (written by a newer lifecircle?)");
    const auto file_line = split(lines[1], ' ');
    if (file_line.size() != 3 || file_line[0] != "file") throw InputError(path + ": its seal is damaged (file line)");
    if (parse_u64(file_line[1], path) != data_bytes)
        throw InputError(path + ": its length differs from the sealed one: cut short or extended after writing");
    if (in.crc(0, data_bytes) == static_cast<std::uint32_t>(parse_u64(file_line[2], path, 16))) return data_bytes;
    // Damaged: name the datasets whose stored bytes changed.
    std::string damaged;
    for (std::size_t i = 2; i < lines.size(); ++i) {
        if (lines[i].empty()) continue;
        const auto fields = split(lines[i], '\t');
        if (fields.size() != 3 || !fields[0].starts_with("dataset "))
            throw InputError(path + ": its seal is damaged (dataset line)");
        std::vector<Range> ranges;
        if (!fields[2].empty())
            for (const auto r : split(fields[2], ' ')) {
                const auto plus = split(r, '+');
                if (plus.size() != 2) throw InputError(path + ": its seal is damaged (range)");
                const Range range{parse_u64(plus[0], path), parse_u64(plus[1], path)};
                if (range.offset > data_bytes || range.size > data_bytes - range.offset)
                    throw InputError(path + ": its seal is damaged (range outside the file)");
                ranges.push_back(range);
            }
        if (crc_of_ranges(in, ranges) != static_cast<std::uint32_t>(parse_u64(fields[1], path, 16))) {
            if (!damaged.empty()) damaged += ", ";
            damaged += fields[0].substr(8);
        }
    }
    if (!damaged.empty())
        throw InputError(path + ": dataset " + damaged + " is damaged (its bytes differ from the sealed checksum)");
    throw InputError(path +
                     ": is damaged outside the datasets' values (in HDF5 metadata or attributes): its "
                     "checksum differs from the sealed one");
}

}  // namespace

}  // namespace lifecircle
