// HDF5 files (core/hdf5_io.hpp, core/file_seal.hpp): typed columns and attributes round-trip; a
// failed write leaves nothing behind; a file that is not HDF5, unsealed, cut, extended or damaged
// anywhere gives an InputError naming it (and the dataset, where the damage is inside one).
#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <vector>

#include <sys/resource.h>

#include "catch.hpp"
#include "core/error.hpp"
#include "core/hdf5_io.hpp"
#include "fixtures.hpp"

using lc_test::Contains;
using lifecircle::H5File;
using lifecircle::test::TempDir;

TEST_CASE("columns of every stored type, strings and attributes round-trip", "[hdf5_io]") {
    TempDir dir;
    const auto path = dir.file("t.h5");
    lifecircle::write_atomically(path, [](const std::string& tmp) {
        auto f = H5File::create(tmp);
        f.create_group("g");
        f.write<double>("g/d", std::vector<double>{0.1, -2.5e300});
        f.write<std::int64_t>("g/i64", std::vector<std::int64_t>{-(std::int64_t{1} << 62), 7});
        f.write<std::uint16_t>("g/u16", std::vector<std::uint16_t>{0, 65535});
        f.write<std::uint8_t>("g/u8", std::vector<std::uint8_t>{});
        struct Row {
            std::int32_t a;
        };
        f.write_column("g/rows", std::vector<Row>{{3}, {4}}, &Row::a);
        f.write_strings("g/s", {"云浮", ""});
        f.set_attr("x", 2.5);
        f.set_attr("name", std::string("罗定"));
    });
    const auto f = H5File::open(path);
    CHECK(f.exists("g/d"));
    CHECK_FALSE(f.exists("g/none"));
    CHECK(f.read<double>("g/d") == std::vector<double>{0.1, -2.5e300});
    CHECK(f.read<std::int64_t>("g/i64") == std::vector<std::int64_t>{-(std::int64_t{1} << 62), 7});
    CHECK(f.read<std::uint16_t>("g/u16") == std::vector<std::uint16_t>{0, 65535});
    CHECK(f.read<std::uint8_t>("g/u8").empty());
    CHECK(f.read<std::int32_t>("g/rows") == std::vector<std::int32_t>{3, 4});
    CHECK(f.read_strings("g/s") == std::vector<std::string>{"云浮", ""});
    CHECK(f.attr_double("x") == 2.5);
    CHECK(f.attr_string("name") == "罗定");
}

TEST_CASE("a write that fails part-way leaves no file at the path", "[hdf5_io][errors]") {
    TempDir dir;
    const auto path = dir.file("out.h5");
    CHECK_THROWS_AS(lifecircle::write_atomically(path,
                                                 [](const std::string& tmp) {
                                                     auto f = H5File::create(tmp);
                                                     f.write<double>("x", std::vector<double>{1.0});
                                                     throw std::runtime_error("disk full");
                                                 }),
                    std::runtime_error);
    CHECK_FALSE(std::filesystem::exists(path));
    for (const auto& e : std::filesystem::directory_iterator(dir.path())) FAIL("left behind: " << e.path());
}

TEST_CASE("a file that is not HDF5 gives an InputError naming it", "[hdf5_io][errors]") {
    TempDir dir;
    CHECK_THROWS_WITH(H5File::open(dir.file("text.h5", "not hdf5\n")), Contains("text.h5"));
    CHECK_THROWS_AS(H5File::open(dir.file("absent.h5")), lifecircle::InputError);
}

namespace {

std::string bytes_of(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

void put_bytes(const std::string& path, const std::string& bytes) { std::ofstream(path, std::ios::binary) << bytes; }

}  // namespace

TEST_CASE("the seal finds damage before HDF5 parses the file and names the dataset", "[hdf5_io][errors]") {
    TempDir dir;
    const auto path = dir.file("sealed.h5");
    std::vector<double> big(200000);
    for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<double>(i % 977) * 0.5;
    lifecircle::write_atomically(path, [&](const std::string& tmp) {
        auto f = H5File::create(tmp);
        f.write<double>("big", big);
        f.write_strings("names", {"云城区", "罗定市"});
        f.set_attr("scenario_text", std::string("seed = 1"));
    });
    const std::string good = bytes_of(path);
    REQUIRE_NOTHROW(lifecircle::check_seal(path));
    // where each dataset's bytes are: the seal lists them; find them by their values instead,
    // so the test does not trust the code it checks
    const auto names_at = good.find("罗定市");
    REQUIRE(names_at != std::string::npos);  // short strings are stored below deflate's gain
    const auto flipped = [&](std::size_t at) {
        std::string bad = good;
        bad[at] = static_cast<char>(bad[at] ^ 0x20);
        put_bytes(path, bad);
    };
    flipped(names_at);
    CHECK_THROWS_WITH(H5File::open(path), Contains("dataset names is damaged") && Contains("sealed.h5"));
    // the big dataset's chunks make up most of the file: its middle lies inside them
    flipped(good.size() / 3);
    CHECK_THROWS_WITH(H5File::open(path), Contains("dataset big is damaged"));
    flipped(2);  // the superblock's signature: HDF5 metadata, no dataset's values
    CHECK_THROWS_WITH(H5File::open(path), Contains("damaged outside the datasets"));
    put_bytes(path, good.substr(0, good.size() - 100));
    CHECK_THROWS_WITH(H5File::open(path), Contains("no lifecircle seal"));
    put_bytes(path, good + "extra");
    CHECK_THROWS_WITH(H5File::open(path), Contains("no lifecircle seal"));
    const auto seal_at = good.find("lifecircle-seal 1");
    REQUIRE(seal_at != std::string::npos);
    flipped(seal_at + 3);
    CHECK_THROWS_WITH(H5File::open(path), Contains("seal is damaged"));
    put_bytes(path, good);
    CHECK(H5File::open(path).read_strings("names") == std::vector<std::string>{"云城区", "罗定市"});
}

TEST_CASE("an HDF5 file written without a seal is refused", "[hdf5_io][errors]") {
    TempDir dir;
    const auto path = dir.file("plain.h5");
    H5File::create(path).write<double>("x", std::vector<double>{1.0});
    CHECK_THROWS_WITH(H5File::open(path), Contains("plain.h5") && Contains("no lifecircle seal"));
}

namespace {

/// The byte ranges the seal lists for dataset `name` ("offset+size" each, in order).
std::vector<std::string> sealed_ranges(const std::string& path, const std::string& name) {
    const std::string all = bytes_of(path);
    const auto at = all.find("\ndataset " + name + "\t");
    REQUIRE(at != std::string::npos);
    const auto line = all.substr(at + 1, all.find('\n', at + 1) - at - 1);
    std::vector<std::string> out;
    std::string ranges = line.substr(line.rfind('\t') + 1) + " ";
    for (std::size_t from = 0, to; (to = ranges.find(' ', from)) != std::string::npos; from = to + 1)
        if (to > from) out.push_back(ranges.substr(from, to - from));
    return out;
}

/// Opens a sealed file's copy at `copy` for changes (as an incremental checkpoint does).
H5File updatable_copy(const std::string& path, const std::string& copy) {
    std::filesystem::copy_file(path, copy, std::filesystem::copy_options::overwrite_existing);
    lifecircle::unseal_file(copy);
    return H5File::open_for_update(copy);
}

/// Peak resident memory of this process so far, bytes.
std::uint64_t peak_rss() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return static_cast<std::uint64_t>(usage.ru_maxrss) * 1024;  // kilobytes on Linux
}

}  // namespace

TEST_CASE("a dataset that grows keeps its full chunks where they are when values are appended", "[hdf5_io]") {
    // an incremental checkpoint appends a month's records: what was written before must not be
    // written again (its cost would grow with the run), and must read back unchanged
    TempDir dir;
    const auto first = dir.file("first.h5"), second = dir.file("second.h5");
    const auto chunk = H5File::kExtendibleChunk;
    std::vector<std::int64_t> values(2 * chunk + 5);
    for (std::size_t i = 0; i < values.size(); ++i) values[i] = static_cast<std::int64_t>(i * i % 1000003);
    lifecircle::write_atomically(
        first, [&](const std::string& tmp) { H5File::create(tmp, true).write_extendible<std::int64_t>("v", values); });
    const std::vector<std::int64_t> more{-1, -2, -3};
    {
        auto f = updatable_copy(first, second);
        CHECK(f.length("v") == values.size());
        f.append<std::int64_t>("v", more);
        f.append<std::int64_t>("v", std::vector<std::int64_t>{});  // nothing: no change
        f.close();
        lifecircle::seal_file(second);
    }
    auto all = values;
    all.insert(all.end(), more.begin(), more.end());
    CHECK(H5File::open(second).read<std::int64_t>("v") == all);
    const auto before = sealed_ranges(first, "v"), after = sealed_ranges(second, "v");
    REQUIRE(before.size() == 3);  // two full chunks and a partial one
    REQUIRE(after.size() == 3);
    CHECK(after[0] == before[0]);  // the full chunks: same place, same stored bytes
    CHECK(after[1] == before[1]);
    CHECK(after[2] != before[2]);  // the last, partial one was written again with the new values
}

TEST_CASE("replace writes a dataset only when its values changed", "[hdf5_io]") {
    TempDir dir;
    const auto first = dir.file("first.h5"), second = dir.file("second.h5"), third = dir.file("third.h5");
    std::vector<std::uint32_t> values(100000);
    for (std::size_t i = 0; i < values.size(); ++i) values[i] = static_cast<std::uint32_t>(i * 7919 % 65521);
    lifecircle::write_atomically(first, [&](const std::string& tmp) {
        auto f = H5File::create(tmp, true);
        f.replace<std::uint32_t>("a", values);
        f.replace<std::uint32_t>("b", values);
    });
    {
        auto f = updatable_copy(first, second);
        f.replace<std::uint32_t>("a", values);  // the same values: left as they are
        values[99999] += 1;
        f.replace<std::uint32_t>("b", values);  // one changed: written again
        f.close();
        lifecircle::seal_file(second);
    }
    CHECK(sealed_ranges(second, "a") == sealed_ranges(first, "a"));
    CHECK(sealed_ranges(second, "b") != sealed_ranges(first, "b"));
    CHECK(H5File::open(second).read<std::uint32_t>("b") == values);
    {
        auto f = updatable_copy(second, third);
        values.pop_back();  // another length
        f.replace<std::uint32_t>("a", values);
        f.close();
        lifecircle::seal_file(third);
    }
    CHECK(H5File::open(third).read<std::uint32_t>("a") == values);
    // space freed by the replaced datasets is reused, not added to: a file reopened and changed
    // month after month must not grow with the months
    CHECK(std::filesystem::file_size(third) < std::filesystem::file_size(first) + 65536);
}

TEST_CASE("the deflate level: the same values read back at any level, stored smaller the higher it is", "[hdf5_io]") {
    // checkpoints are written at level 1 (sim/checkpoint.cpp), results at 4: a level must
    // change the stored bytes only, and 0 must store the values as they are
    TempDir dir;
    std::vector<std::int64_t> values(200000);
    for (std::size_t i = 0; i < values.size(); ++i) values[i] = static_cast<std::int64_t>(i / 7 * 3 + i % 5);
    std::vector<std::uint64_t> stored;
    for (int level : {0, 1, 4}) {
        INFO("level " << level);
        const auto path = dir.file("level" + std::to_string(level) + ".h5");
        lifecircle::write_atomically(path, [&](const std::string& tmp) {
            auto f = H5File::create(tmp);
            f.set_deflate(level);
            f.write<std::int64_t>("plain", values);
            f.write_extendible<std::int64_t>("grows", values);
        });
        const auto f = H5File::open(path);
        CHECK(f.read<std::int64_t>("plain") == values);
        CHECK(f.read<std::int64_t>("grows") == values);
        stored.push_back(f.stored_bytes());
    }
    CHECK(stored[0] >= 2 * values.size() * sizeof(std::int64_t));  // both datasets as they are
    CHECK(stored[1] < stored[0] / 4);
    CHECK(stored[2] <= stored[1]);
}

TEST_CASE("seals are written and checked in blocks: memory stays flat for a file larger than it", "[hdf5_io]") {
    // a results file or checkpoint of gigabytes must not be read into memory whole to seal or
    // check it. The file: a small HDF5 file extended (sparsely: no disk) to more than twice the
    // process's peak memory so far, at least 512 MiB; reading it whole would raise the peak by
    // its size
    TempDir dir;
    const auto path = dir.file("large.h5");
    {
        auto f = H5File::create(path);
        f.write<double>("x", std::vector<double>{1.5, 2.5});
    }
    const std::uint64_t size = std::max<std::uint64_t>(std::uint64_t{512} << 20, 2 * peak_rss());
    std::filesystem::resize_file(path, size);  // HDF5 ignores bytes after its own data
    const auto before = peak_rss();
    lifecircle::seal_file(path);
    lifecircle::check_seal(path);
    const auto f = H5File::open(path);
    CHECK(f.read<double>("x") == std::vector<double>{1.5, 2.5});
    const auto growth = peak_rss() - before;
    INFO("file " << (size >> 20) << " MiB; peak memory grew by " << (growth >> 20) << " MiB");
    CHECK(growth < (std::uint64_t{32} << 20));
    // and damage far into the file is still found (the blocks are all read)
    {
        std::fstream io(path, std::ios::in | std::ios::out | std::ios::binary);
        io.seekp(static_cast<std::streamoff>(size / 2));
        io.put('\x01');
    }
    CHECK_THROWS_WITH(lifecircle::check_seal(path), Contains("large.h5") && Contains("damaged"));
}
